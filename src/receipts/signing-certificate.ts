import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import forge from 'node-forge';
import { AppError } from '../errors.ts';
import { certificateSubject } from './cms-structure.ts';

// The town hall's certificate and key, from the PKCS#12 file (.p12/.pfx) a certification authority
// issues. node-forge reads PKCS#12 with the ciphers OpenSSL 3 writes (AES-256, PBKDF2, SHA-256 MAC).

export class ReceiptCertificateError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FV_ERR_RECEIPT_CERTIFICATE', message, 500, options);
  }
}

export interface SigningCertificate {
  privateKey: forge.pki.rsa.PrivateKey;
  /** DER of the certificate whose public key matches the private key. */
  certificate: Buffer;
  /** DER of the other certificates in the file (the issuing authority's chain), sent along for validators. */
  chain: Buffer[];
  /** "CN=Primaria Balauseri, O=…, C=RO" */
  subject: string;
  /** The common name alone, for the page and the signature dictionary. */
  commonName: string;
}

function certificateDer(certificate: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}


function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

export function loadSigningCertificate(file: string, password: string): SigningCertificate {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = fs.readFileSync(file).toString('binary');
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  } catch (error) {
    const reason = /MAC could not be verified|Invalid password/i.test((error as Error).message)
      ? 'wrong RECEIPT_CERTIFICATE_PASSWORD'
      : (error as Error).message;
    throw new ReceiptCertificateError(`RECEIPT_CERTIFICATE_PATH: cannot open ${file} as PKCS#12 (${reason})`, { cause: error });
  }
  const keys = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag ?? ''), ...bagsOf(p12, forge.pki.oids.keyBag ?? '')]
    .map((bag) => bag.key)
    .filter((key): key is forge.pki.rsa.PrivateKey => key !== undefined && !Buffer.isBuffer(key));
  const certificates = bagsOf(p12, forge.pki.oids.certBag ?? '')
    .map((bag) => bag.cert)
    .filter((certificate): certificate is forge.pki.Certificate => certificate !== undefined);
  const privateKey = keys[0];
  if (!privateKey || typeof privateKey.n === 'undefined') {
    throw new ReceiptCertificateError(`RECEIPT_CERTIFICATE_PATH: ${file} holds no RSA private key (only RSA keys are supported)`);
  }
  const own = certificates.find((certificate) => {
    const publicKey = certificate.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(privateKey.n) && publicKey.e?.equals(privateKey.e);
  });
  if (!own) throw new ReceiptCertificateError(`RECEIPT_CERTIFICATE_PATH: ${file} has no certificate for its private key`);
  const certificate = certificateDer(own);
  const subject = certificateSubject(new X509Certificate(certificate));
  const commonName = own.subject.getField('CN') as { value?: unknown } | null;
  return {
    privateKey,
    certificate,
    chain: certificates.filter((candidate) => candidate !== own).map(certificateDer),
    subject,
    commonName: typeof commonName?.value === 'string' ? commonName.value : subject,
  };
}
