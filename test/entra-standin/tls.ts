// The stand-in's own certificate authority and HTTPS server certificate (SAN 127.0.0.1, localhost),
// generated on first start and reused from the state directory afterwards. msal refuses plain
// HTTP authorities, so clients trust ca.pem through NODE_EXTRA_CA_CERTS or an explicit CA option.

import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  caFile: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const validityMs = 2 * 365 * 24 * 3600 * 1000;

async function keyPair(): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  return (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as { privateKey: CryptoKey; publicKey: CryptoKey };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function generate(): Promise<Omit<TlsMaterial, 'caFile'>> {
  const notBefore = new Date(Date.now() - 3600 * 1000);
  const notAfter = new Date(notBefore.getTime() + validityMs);
  const caKeys = await keyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=DirSync Entra ID stand-in CA', keys: caKeys, signingAlgorithm: algorithm, notBefore, notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await keyPair();
  const server = await x509.X509CertificateGenerator.create({
    subject: 'CN=127.0.0.1', issuer: ca.subject, publicKey: serverKeys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: algorithm, notBefore, notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { caPem: ca.toString('pem'), certPem: server.toString('pem'), keyPem: await privateKeyPem(serverKeys.privateKey) };
}

/** Loads the material from `directory` when present, otherwise generates it and writes it there. */
export async function ensureTlsMaterial(directory: string): Promise<TlsMaterial> {
  const files = { caPem: join(directory, 'ca.pem'), certPem: join(directory, 'server.pem'), keyPem: join(directory, 'server-key.pem') };
  if (Object.values(files).every((file) => existsSync(file))) {
    return {
      caPem: await readFile(files.caPem, 'utf8'), certPem: await readFile(files.certPem, 'utf8'), keyPem: await readFile(files.keyPem, 'utf8'),
      caFile: files.caPem,
    };
  }
  const material = await generate();
  await writeFile(files.caPem, material.caPem);
  await writeFile(files.certPem, material.certPem);
  await writeFile(files.keyPem, material.keyPem, { mode: 0o600 });
  return { ...material, caFile: files.caPem };
}
