import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { Signer } from '@signpdf/utils';
import { oids } from './cms-structure.ts';
import type { SigningCertificate } from './signing-certificate.ts';

// A detached CMS SignedData (RFC 5652) in the PAdES baseline shape (ETSI EN 319 142-1, B-B level):
// signed attributes content-type, message-digest and signing-certificate-v2 (RFC 5035) binding the
// signature to the certificate; the signing time is the signature dictionary's /M, so no signing-time
// attribute. PKI.js builds the structure; node-forge signs with the key read from the PKCS#12 file.

const attribute = (type: string, value: asn1js.AsnType): pkijs.Attribute => new pkijs.Attribute({ type, values: [value] });

const encoded = (item: { toSchema(): asn1js.AsnType }): Buffer => Buffer.from(item.toSchema().toBER());

function signingCertificateV2(certificate: pkijs.Certificate, certificateBytes: Buffer): asn1js.Sequence {
  // ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires; the issuer as a directoryName.
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: certificate.issuer })] }),
    serialNumber: certificate.serialNumber,
  });
  const essCertId = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: createHash('sha256').update(certificateBytes).digest() }), issuerSerial.toSchema()],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] });
}

export function signedAttributes(contentDigest: Buffer, certificate: pkijs.Certificate, certificateBytes: Buffer): pkijs.Attribute[] {
  const attributes = [
    attribute(oids.contentType, new asn1js.ObjectIdentifier({ value: pkijs.ContentInfo.DATA })),
    attribute(oids.messageDigest, new asn1js.OctetString({ valueHex: contentDigest })),
    attribute(oids.signingCertificateV2, signingCertificateV2(certificate, certificateBytes)),
  ];
  // DER sorts the members of a SET OF by their encodings; verifiers re-encode the attributes that way.
  return attributes.sort((first, second) => Buffer.compare(encoded(first), encoded(second)));
}

export function createDetachedSignature(content: Buffer, signing: SigningCertificate): Buffer {
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(signing.certificate));
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: signedAttributes(createHash('sha256').update(content).digest(), certificate, signing.certificate),
  });
  // The signature covers the attributes encoded as a SET OF; in the SignerInfo the same bytes carry tag [0].
  const attributeSet = encoded(signedAttrs);
  attributeSet[0] = 0x31;
  const digest = forge.md.sha256.create();
  digest.update(attributeSet.toString('binary'));
  const signature = Buffer.from(signing.privateKey.sign(digest), 'binary');

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
    digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.sha256 }),
    signedAttrs,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.rsaEncryption, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const signedData = new pkijs.SignedData({
    digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: oids.sha256 })],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: pkijs.ContentInfo.DATA }),
    certificates: [certificate, ...signing.chain.map((der) => pkijs.Certificate.fromBER(new Uint8Array(der)))],
    signerInfos: [signerInfo],
  });
  return encoded(new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema() }));
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
