// The stand-in's own certificate authority and HTTPS server certificate (SAN 127.0.0.1, localhost),
// generated on first start and reused from the state directory afterwards. msal refuses plain
// HTTP authorities, so clients trust ca.pem through NODE_EXTRA_CA_CERTS or an explicit CA option.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../support/certificates.ts';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  caFile: string;
}

const validityDays = 2 * 365;

async function generate(): Promise<Omit<TlsMaterial, 'caFile'>> {
  const authority = await createCertificateAuthority('DirSync Entra ID stand-in CA', { validityDays });
  const server = await issueServerCertificate(authority, { commonName: '127.0.0.1', ips: ['127.0.0.1'], dnsNames: ['localhost'] }, { validityDays });
  return { caPem: authority.certificatePem, certPem: server.certificatePem, keyPem: server.privateKeyPem };
}

/** Loads the material from `directory` when present, otherwise generates it and writes it there. */
export async function ensureTlsMaterial(directory: string): Promise<TlsMaterial> {
  const files = { caPem: join(directory, 'ca.pem'), certPem: join(directory, 'server.pem'), keyPem: join(directory, 'server-key.pem') };
  if (Object.values(files).every((file) => existsSync(file))) {
    return {
      caPem: await readFile(files.caPem, 'utf8'),
      certPem: await readFile(files.certPem, 'utf8'),
      keyPem: await readFile(files.keyPem, 'utf8'),
      caFile: files.caPem,
    };
  }
  const material = await generate();
  await writeFile(files.caPem, material.caPem);
  await writeFile(files.certPem, material.certPem);
  await writeFile(files.keyPem, material.keyPem, { mode: 0o600 });
  return { ...material, caFile: files.caPem };
}
