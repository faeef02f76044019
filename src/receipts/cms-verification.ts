import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateSubject, oids } from './cms-structure.ts';

// Checks a detached CMS signature over content with PKI.js and the platform's WebCrypto, independently
// of the node-forge key that made it: the message digest attribute must equal the content's hash, the
// signature over the signed attributes must verify with the public key of the certificate it names, and
// the signing-certificate attribute must name that certificate.

export interface CmsCheck {
  /** True only when every check passed. */
  valid: boolean;
  /** What failed, in plain words; empty when valid. */
  problems: string[];
  signer?: { subject: string; certificate: X509Certificate };
  contentDigestMatches: boolean;
  signatureMatches: boolean;
}

/** SignedDataVerifyError codes of PKI.js that mean the signer information cannot be used. */
const incompleteSignerCodes = new Set([7, 8, 9, 10]);

function parseSignedData(signatureBytes: Buffer): pkijs.SignedData {
  const contentInfo = pkijs.ContentInfo.fromBER(new Uint8Array(signatureBytes));
  if (contentInfo.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error('not a CMS SignedData');
  return new pkijs.SignedData({ schema: contentInfo.content });
}

/** The certificate hash in the signing-certificate-v2 attribute (its first ESSCertIDv2); empty when unreadable, undefined without the attribute. */
function signingCertificateHash(signerInfo: pkijs.SignerInfo): Buffer | undefined {
  const attribute = signerInfo.signedAttrs?.attributes.find((item) => item.type === oids.signingCertificateV2);
  if (!attribute) return undefined;
  const signingCertificate: unknown = attribute.values[0];
  const certificates = signingCertificate instanceof asn1js.Sequence ? signingCertificate.valueBlock.value[0] : undefined;
  const essCertId = certificates instanceof asn1js.Sequence ? certificates.valueBlock.value[0] : undefined;
  // The hash algorithm is left out when it is SHA-256, the only one this code writes.
  const hash = essCertId instanceof asn1js.Sequence ? essCertId.valueBlock.value[0] : undefined;
  return hash instanceof asn1js.OctetString ? Buffer.from(hash.valueBlock.valueHexView) : Buffer.alloc(0);
}

export async function verifyDetachedCms(signatureBytes: Buffer, content: Buffer): Promise<CmsCheck> {
  const problems: string[] = [];
  const result: CmsCheck = { valid: false, problems, contentDigestMatches: false, signatureMatches: false };
  let signedData: pkijs.SignedData;
  try {
    signedData = parseSignedData(signatureBytes);
  } catch (error) {
    problems.push(`the signature is not readable CMS (${(error as Error).message})`);
    return result;
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) {
    problems.push('the signature has no signer');
    return result;
  }

  let outcome: pkijs.SignedDataVerifyResult;
  try {
    outcome = await signedData.verify({ signer: 0, data: new Uint8Array(content).buffer, extendedMode: true });
  } catch (error) {
    if (!(error instanceof pkijs.SignedDataVerifyError)) throw error;
    outcome = error;
  }
  const signerCertificate = outcome.signerCertificate;
  if (!signerCertificate) {
    problems.push('the certificate of the signer is not in the signature');
    return result;
  }
  if (outcome.code !== undefined && incompleteSignerCodes.has(outcome.code)) {
    problems.push('the signer information is incomplete or uses an unsupported algorithm');
    return result;
  }
  const certificateBytes = Buffer.from(signerCertificate.toSchema().toBER());
  const certificate = new X509Certificate(certificateBytes);
  result.signer = { subject: certificateSubject(certificate), certificate };

  // PKI.js checks the message digest first and stops there when it differs.
  result.contentDigestMatches = !/message digest/i.test(outcome.message);
  if (!result.contentDigestMatches) problems.push('the signed content was changed: its hash differs from the one in the signature');

  const certificateHash = signingCertificateHash(signerInfo);
  if (certificateHash && !certificateHash.equals(createHash('sha256').update(certificateBytes).digest())) {
    problems.push('the signing-certificate attribute names another certificate');
  }

  result.signatureMatches = outcome.signatureVerified === true;
  if (result.contentDigestMatches && !result.signatureMatches) problems.push("the signature does not verify with the signer's certificate");
  result.valid = problems.length === 0;
  return result;
}
