// The machine's test CA for the Samba domain controllers, created once and cached next to the templates, and the
// per-clone server certificate it issues (certificates made by test/support/certificates.ts).
// @peculiar/x509 needs the Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, importPrivateKey, issueServerCertificate, type Certificate } from '../certificates.ts';
import { certificateAuthorityDirectory } from './locations.ts';
import { withFileLock } from './file-lock.ts';

export interface CertificateAuthority {
  certificatePem: string;
  certificateFile: string;
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

async function createCachedAuthority(): Promise<void> {
  const authority = await createCertificateAuthority('DirSync Test CA');
  const staging = `${certificateAuthorityDirectory}.partial-${process.pid}`;
  await mkdir(staging, { recursive: true, mode: 0o700 });
  await writeFile(join(staging, 'ca-key.pem'), authority.privateKeyPem, { mode: 0o600 });
  await writeFile(join(staging, 'ca.pem'), authority.certificatePem);
  await rename(staging, certificateAuthorityDirectory);
}

/** The machine's test CA, created once and cached next to the templates. */
export async function loadCertificateAuthority(): Promise<CertificateAuthority> {
  const certificateFile = join(certificateAuthorityDirectory, 'ca.pem');
  await withFileLock(`${certificateAuthorityDirectory}.lock`, async () => {
    const exists = await readFile(certificateFile).then(
      () => true,
      () => false,
    );
    if (!exists) await createCachedAuthority();
  });
  const certificatePem = await readFile(certificateFile, 'utf8');
  const privateKey = await importPrivateKey(await readFile(join(certificateAuthorityDirectory, 'ca-key.pem'), 'utf8'));
  return { certificatePem, certificateFile, certificate: new x509.X509Certificate(certificatePem), privateKey };
}

/** A TLS server certificate for one domain controller: SAN = its loopback IP and host name. */
export function issueDomainControllerCertificate(authority: CertificateAuthority, ip: string, hostName: string): Promise<Certificate> {
  return issueServerCertificate(authority, { commonName: hostName, ips: [ip], dnsNames: [hostName] });
}
