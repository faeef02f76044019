import type { X509Certificate } from 'node:crypto';
import { bytesOf, children, readElement } from './der.ts';

// Names and shapes shared by the code that makes CMS signatures and the code that checks them.

export const oids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

export interface CertificateIdentity {
  issuer: Buffer;
  serialNumber: Buffer;
}

/** The issuer Name and serial number INTEGER of a certificate, exactly as encoded in it. */
export function certificateIdentity(certificate: Buffer): CertificateIdentity {
  const [tbs] = children(readElement(certificate));
  if (!tbs) throw new Error('not a certificate');
  const fields = children(tbs);
  // TBSCertificate starts with an optional [0] version.
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = fields[offset];
  const issuer = fields[offset + 2];
  if (!serial || !issuer) throw new Error('not a certificate');
  return { issuer: bytesOf(issuer), serialNumber: bytesOf(serial) };
}

/** "CN=…, O=…, C=RO" as OpenSSL prints it: the receipt record and `receipt verify` compare these. */
export function certificateSubject(certificate: X509Certificate): string {
  return certificate.subject.split('\n').join(', ');
}
