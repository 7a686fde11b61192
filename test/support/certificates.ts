// Every certificate the tests need, made one way (@peculiar/x509 over WebCrypto): a CA, a TLS server certificate it
// issues (the Samba DCs, the Entra stand-in), a foreign CA a client must not trust, and the self-signed RSA
// certificate an app registration signs in with. ECDSA P-256 by default: key generation is instant.
// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** What Entra ID application credentials (and DirSync's certificate sign-in) use. */
export const RSA_2048 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
type KeyAlgorithm = typeof ECDSA_P256 | typeof RSA_2048;

const dayMs = 86_400_000;

export interface Certificate {
  certificate: x509.X509Certificate;
  certificatePem: string;
  privateKey: CryptoKey;
  /** PKCS#8, as `openssl req -nodes` writes it. */
  privateKeyPem: string;
}

export interface CertificateOptions {
  /** Valid from a day ago (clock skew) for this many days. */
  validityDays?: number;
  algorithm?: KeyAlgorithm;
}

async function generateKeys(algorithm: KeyAlgorithm): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  return (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as { privateKey: CryptoKey; publicKey: CryptoKey };
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - dayMs), notAfter: new Date(Date.now() + days * dayMs) };
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** A signing key read back from its PKCS#8 PEM (a cached CA). */
export async function importPrivateKey(pem: string, algorithm: KeyAlgorithm = ECDSA_P256): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), algorithm, false, ['sign']);
}

async function certificate(created: x509.X509Certificate, privateKey: CryptoKey): Promise<Certificate> {
  return { certificate: created, certificatePem: created.toString('pem'), privateKey, privateKeyPem: await privateKeyPem(privateKey) };
}

/** A self-signed certificate authority (`CN=<commonName>`). */
export async function createCertificateAuthority(commonName: string, options: CertificateOptions = {}): Promise<Certificate> {
  const algorithm = options.algorithm ?? ECDSA_P256;
  const keys = await generateKeys(algorithm);
  const created = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: algorithm,
    ...validity(options.validityDays ?? 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return certificate(created, keys.privateKey);
}

export interface ServerNames {
  commonName: string;
  ips?: string[];
  dnsNames?: string[];
}

/** A TLS server certificate issued by `authority` (its key may be an imported one), for the names given as SANs. */
export async function issueServerCertificate(
  authority: { certificate: x509.X509Certificate; privateKey: CryptoKey },
  names: ServerNames,
  options: CertificateOptions = {},
): Promise<Certificate> {
  const algorithm = options.algorithm ?? ECDSA_P256;
  const keys = await generateKeys(algorithm);
  const created = await x509.X509CertificateGenerator.create({
    subject: `CN=${names.commonName}`,
    issuer: authority.certificate.subject,
    publicKey: keys.publicKey,
    signingKey: authority.privateKey,
    signingAlgorithm: algorithm,
    ...validity(options.validityDays ?? 365),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...(names.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
        ...(names.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(authority.certificate),
    ],
  });
  return certificate(created, keys.privateKey);
}

export interface ApplicationCertificate extends Certificate {
  sha1Hex: string;
  sha256Hex: string;
}

/** A self-signed RSA certificate, as an app registration's credential, with the thumbprints Entra ID shows. */
export async function applicationCertificate(commonName = 'DirSync test app'): Promise<ApplicationCertificate> {
  const keys = await generateKeys(RSA_2048);
  const created = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: RSA_2048,
    ...validity(2),
  });
  const hex = async (hash: string) => Buffer.from(await created.getThumbprint(hash)).toString('hex');
  return { ...(await certificate(created, keys.privateKey)), sha1Hex: await hex('SHA-1'), sha256Hex: await hex('SHA-256') };
}

/** An application certificate and its key in one owner-only PEM file, as an administrator would export it for DirSync. */
export async function applicationCertificatePemFile(): Promise<{ pemFile: string; certificatePem: string }> {
  const { certificatePem, privateKeyPem: keyPem } = await applicationCertificate();
  const pemFile = join(await mkdtemp(join(tmpdir(), 'dirsync-cert-')), 'dirsync.pem');
  await writeFile(pemFile, `${certificatePem}${keyPem}`, { mode: 0o600 });
  return { pemFile, certificatePem };
}
