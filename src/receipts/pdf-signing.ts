import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import type { PDFDocument } from 'pdf-lib';
import { ReceiptSigner } from './cms-signature.ts';
import type { SigningCertificate } from './signing-certificate.ts';

// Signs a finished document: a signature dictionary with a zero-filled /Contents is added (pdf-lib
// placeholder), the file is written without object streams so @signpdf can find /ByteRange, and the
// CMS over everything but /Contents goes into the gap.

export interface SignatureDetails {
  reason: string;
  location: string;
  contactInfo: string;
  signingTime: Date;
}

/** The signature dictionary's strings are written byte for byte: keep them ASCII. */
function ascii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/g, '?');
}

export async function signDocument(document: PDFDocument, signing: SigningCertificate, details: SignatureDetails): Promise<Buffer> {
  const certificatesLength = [signing.certificate, ...signing.chain].reduce((total, certificate) => total + certificate.length, 0);
  pdflibAddPlaceholder({
    pdfDoc: document,
    reason: ascii(details.reason),
    contactInfo: ascii(details.contactInfo),
    name: ascii(signing.commonName),
    location: ascii(details.location),
    signingTime: details.signingTime,
    // In hex digits (two per byte, so even): the certificates, a signature of up to 4096 bits, the attributes, a margin.
    signatureLength: 2 * (certificatesLength + 4096),
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Functionar Virtual',
  });
  const unsigned = Buffer.from(await document.save({ useObjectStreams: false }));
  return new SignPdf().sign(unsigned, new ReceiptSigner(signing), details.signingTime);
}

/** The finished file: signed when the town hall has a certificate, else saved as it is (and it says so on the page). */
export async function signedOrPlain(document: PDFDocument, signing: SigningCertificate | undefined, details: SignatureDetails): Promise<Buffer> {
  return signing ? signDocument(document, signing, details) : Buffer.from(await document.save({ useObjectStreams: false }));
}
