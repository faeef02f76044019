import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { certificateIdentity, certificateSubject, oids } from './cms-structure.ts';
import { bytesOf, children, contentsOf, decodeObjectIdentifier, readElement, tags, type DerElement } from './der.ts';

// Checks a detached CMS signature over content with Node's own crypto (OpenSSL), independently of the
// node-forge code that made it: the message digest attribute must equal the content's hash, and the
// signature over the signed attributes must verify with the public key of the certificate it names.

const digestNames: Record<string, string> = {
  [oids.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface CmsCheck {
  /** True only when every check passed. */
  valid: boolean;
  /** What failed, in plain words; empty when valid. */
  problems: string[];
  signer?: { subject: string; certificate: X509Certificate };
  contentDigestMatches: boolean;
  signatureMatches: boolean;
}

function child(parent: DerElement | undefined, index: number): DerElement | undefined {
  return parent ? children(parent)[index] : undefined;
}

function oidOf(item: DerElement | undefined): string | undefined {
  return item?.tag === tags.oid ? decodeObjectIdentifier(contentsOf(item)) : undefined;
}

export function verifyDetachedCms(signatureBytes: Buffer, content: Buffer): CmsCheck {
  const problems: string[] = [];
  const result: CmsCheck = { valid: false, problems, contentDigestMatches: false, signatureMatches: false };
  let signedData: DerElement | undefined;
  try {
    const contentInfo = readElement(signatureBytes);
    if (oidOf(child(contentInfo, 0)) !== oids.signedData) throw new Error('not a CMS SignedData');
    signedData = child(child(contentInfo, 1), 0);
    if (!signedData) throw new Error('no SignedData');
  } catch (error) {
    problems.push(`the signature is not readable CMS (${(error as Error).message})`);
    return result;
  }
  const fields = children(signedData);
  const certificates = fields.filter((field) => field.tag === 0xa0).flatMap((field) => children(field).map(bytesOf));
  const signerInfos = fields.at(-1);
  const signerInfo = signerInfos?.tag === tags.set ? child(signerInfos, 0) : undefined;
  if (!signerInfo) {
    problems.push('the signature has no signer');
    return result;
  }
  const signerFields = children(signerInfo);
  const [, signerIdentifier, digestAlgorithm] = signerFields;
  const signedAttributes = signerFields.find((field) => field.tag === 0xa0);
  const signatureValue = signerFields.at(-1);
  const digestName = digestNames[oidOf(child(digestAlgorithm, 0)) ?? ''];
  if (!signerIdentifier || !signedAttributes || signatureValue?.tag !== tags.octetString || !digestName) {
    problems.push('the signer information is incomplete or uses an unsupported algorithm');
    return result;
  }

  const [issuer, serialNumber] = children(signerIdentifier).map(bytesOf);
  const certificateBytes = certificates.find((candidate) => {
    try {
      const identity = certificateIdentity(candidate);
      return issuer !== undefined && serialNumber !== undefined && identity.issuer.equals(issuer) && identity.serialNumber.equals(serialNumber);
    } catch {
      return false;
    }
  });
  if (!certificateBytes) {
    problems.push('the certificate of the signer is not in the signature');
    return result;
  }
  const certificate = new X509Certificate(certificateBytes);
  result.signer = { subject: certificateSubject(certificate), certificate };

  const attributes = new Map(children(signedAttributes).map((item) => [oidOf(child(item, 0)) ?? '', child(child(item, 1), 0)]));
  const messageDigest = attributes.get(oids.messageDigest);
  const contentDigest = createHash(digestName).update(content).digest();
  result.contentDigestMatches = messageDigest?.tag === tags.octetString && contentsOf(messageDigest).equals(contentDigest);
  if (!result.contentDigestMatches) problems.push('the signed content was changed: its hash differs from the one in the signature');

  const signingCertificate = attributes.get(oids.signingCertificateV2);
  if (signingCertificate) {
    const certificateHash = child(child(child(signingCertificate, 0), 0), 0);
    const expected = createHash('sha256').update(certificateBytes).digest();
    if (certificateHash?.tag !== tags.octetString || !contentsOf(certificateHash).equals(expected)) problems.push('the signing-certificate attribute names another certificate');
  }

  // The signature covers the attributes as a SET OF (tag 0x31), not as the [0] they travel in.
  const attributeSet = Buffer.concat([Buffer.from([tags.set]), bytesOf(signedAttributes).subarray(1)]);
  try {
    result.signatureMatches = verifySignature(digestName, attributeSet, certificate.publicKey, contentsOf(signatureValue));
  } catch {
    result.signatureMatches = false;
  }
  if (!result.signatureMatches) problems.push("the signature does not verify with the signer's certificate");
  result.valid = problems.length === 0;
  return result;
}
