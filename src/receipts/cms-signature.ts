import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';
import { certificateIdentity, oids } from './cms-structure.ts';
import { contextSpecific, integer, nullValue, objectIdentifier, octetString, sequence, setOf } from './der.ts';
import type { SigningCertificate } from './signing-certificate.ts';

// A detached CMS SignedData (RFC 5652) in the PAdES baseline shape (ETSI EN 319 142-1, B-B level):
// signed attributes content-type, message-digest and signing-certificate-v2 (RFC 5035) binding the
// signature to the certificate; the signing time is the signature dictionary's /M, so no signing-time
// attribute. node-forge only signs; the structure is written by hand because forge's PKCS#7 writer
// cannot add signing-certificate-v2.

const attribute = (type: string, value: Buffer): Buffer => sequence(objectIdentifier(type), setOf(value));

export function signedAttributes(contentDigest: Buffer, certificate: Buffer): Buffer[] {
  const identity = certificateIdentity(certificate);
  // ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires; the issuer as a directoryName [4].
  const essCertId = sequence(octetString(createHash('sha256').update(certificate).digest()), sequence(sequence(contextSpecific(4, identity.issuer)), identity.serialNumber));
  return [
    attribute(oids.contentType, objectIdentifier(oids.data)),
    attribute(oids.messageDigest, octetString(contentDigest)),
    attribute(oids.signingCertificateV2, sequence(sequence(essCertId))),
  ];
}

export function createDetachedSignature(content: Buffer, signing: SigningCertificate): Buffer {
  const attributes = signedAttributes(createHash('sha256').update(content).digest(), signing.certificate);
  // The signature covers the attributes encoded as a SET OF; in the SignerInfo the same bytes carry tag [0].
  const attributeSet = setOf(...attributes);
  const digest = forge.md.sha256.create();
  digest.update(attributeSet.toString('binary'));
  const signature = Buffer.from(signing.privateKey.sign(digest), 'binary');
  const identity = certificateIdentity(signing.certificate);
  const sha256Algorithm = sequence(objectIdentifier(oids.sha256));
  const signerInfo = sequence(
    integer(1),
    sequence(identity.issuer, identity.serialNumber),
    sha256Algorithm,
    Buffer.concat([Buffer.from([0xa0]), attributeSet.subarray(1)]),
    sequence(objectIdentifier(oids.rsaEncryption), nullValue()),
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf(sha256Algorithm),
    sequence(objectIdentifier(oids.data)),
    contextSpecific(0, Buffer.concat([signing.certificate, ...signing.chain])),
    setOf(signerInfo),
  );
  return sequence(objectIdentifier(oids.signedData), contextSpecific(0, signedData));
}

/** What @signpdf calls with the PDF's signed byte ranges. */
export class ReceiptSigner extends Signer {
  constructor(private readonly signing: SigningCertificate) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return createDetachedSignature(pdfBuffer, this.signing);
  }
}

