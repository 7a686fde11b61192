// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateAuthorityDirectory } from './locations.ts';
import { withFileLock } from './file-lock.ts';

// ECDSA P-256: key generation is instant, so a certificate per clone costs a few milliseconds.
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const dayMs = 86_400_000;

export interface CertificateAuthority {
  certificatePem: string;
  certificateFile: string;
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function createCertificateAuthority(): Promise<void> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=DirSync Test CA',
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 3650 * dayMs),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const staging = `${certificateAuthorityDirectory}.partial-${process.pid}`;
  await mkdir(staging, { recursive: true, mode: 0o700 });
  await writeFile(join(staging, 'ca-key.pem'), await exportPrivateKeyPem(keys.privateKey), { mode: 0o600 });
  await writeFile(join(staging, 'ca.pem'), certificate.toString('pem'));
  await rename(staging, certificateAuthorityDirectory);
}

/** The machine's test CA, created once and cached next to the templates. */
export async function loadCertificateAuthority(): Promise<CertificateAuthority> {
  const certificateFile = join(certificateAuthorityDirectory, 'ca.pem');
  await withFileLock(`${certificateAuthorityDirectory}.lock`, async () => {
    const exists = await readFile(certificateFile).then(() => true, () => false);
    if (!exists) await createCertificateAuthority();
  });
  const certificatePem = await readFile(certificateFile, 'utf8');
  const keyPem = await readFile(join(certificateAuthorityDirectory, 'ca-key.pem'), 'utf8');
  const privateKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), algorithm, false, ['sign']);
  return { certificatePem, certificateFile, certificate: new x509.X509Certificate(certificatePem), privateKey };
}

/** A TLS server certificate for one domain controller: SAN = its loopback IP and host name. */
export async function issueServerCertificate(authority: CertificateAuthority, ip: string, hostName: string): Promise<ServerCertificate> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${hostName}`,
    issuer: authority.certificate.subject,
    notBefore: new Date(Date.now() - dayMs),
    notAfter: new Date(Date.now() + 365 * dayMs),
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: ip },
        { type: 'dns', value: hostName },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(authority.certificate),
    ],
  });
  return { certificatePem: certificate.toString('pem'), privateKeyPem: await exportPrivateKeyPem(keys.privateKey) };
}
