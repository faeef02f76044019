import type { X509Certificate } from 'node:crypto';

// Names shared by the code that makes CMS signatures and the code that checks them.

export const oids = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

/** "CN=…, O=…, C=RO" as OpenSSL prints it: the receipt record and `receipt verify` compare these. */
export function certificateSubject(certificate: X509Certificate): string {
  return certificate.subject.split('\n').join(', ');
}
