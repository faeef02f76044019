import type { Language, Localized } from '../language.ts';

// What the citizen reads when a document is issued to them, in their conversation's language.

export interface IssuedNotice {
  title: string;
  label: string;
  ticketLabel: string;
  code: string;
  verificationUrl: string;
}

const notice: Localized<(facts: IssuedNotice) => string> = {
  ro: (facts) =>
    `📄 Documentul cerut prin cererea ${facts.ticketLabel} a fost emis: ${facts.title}, nr. ${facts.label}, semnat electronic de primărie. Fișierul PDF este documentul oficial; păstrați-l așa cum l-ați primit. Cod de verificare: ${facts.code} (${facts.verificationUrl}).`,
  hu: (facts) =>
    `📄 A(z) ${facts.ticketLabel} kérelemre kiadtuk a dokumentumot: ${facts.title}, ${facts.label} szám, a polgármesteri hivatal elektronikus aláírásával. A PDF-fájl a hivatalos dokumentum; őrizze meg változatlanul. Ellenőrző kód: ${facts.code} (${facts.verificationUrl}).`,
  en: (facts) =>
    `📄 The document you asked for in request ${facts.ticketLabel} has been issued: ${facts.title}, no. ${facts.label}, electronically signed by the town hall. The PDF file is the official document; keep it as you received it. Verification code: ${facts.code} (${facts.verificationUrl}).`,
};

const downloadLine: Localized<(url: string) => string> = {
  ro: (url) => `Descărcați documentul (PDF): ${url}`,
  hu: (url) => `A dokumentum letöltése (PDF): ${url}`,
  en: (url) => `Download the document (PDF): ${url}`,
};

const fileFallback: Localized<(fileName: string) => string> = {
  ro: (fileName) => `📎 ${fileName} (documentul semnat, PDF)`,
  hu: (fileName) => `📎 ${fileName} (aláírt dokumentum, PDF)`,
  en: (fileName) => `📎 ${fileName} (the signed document, PDF)`,
};

export function issuedNotice(language: Language, facts: IssuedNotice): string {
  return notice[language](facts);
}

export function documentDownloadLine(language: Language, url: string): string {
  return downloadLine[language](url);
}

export function documentFileFallback(language: Language, fileName: string): string {
  return fileFallback[language](fileName);
}

/** What the clerk who issued a document is told when it cannot be made (its template changed meanwhile); Romanian, as the clerks' texts. */
export function documentNotMadeNotice(facts: { label: string; template: string; ticketLabel: string; reason: string }): string {
  return [
    `⚠️ Documentul nr. ${facts.label} (${facts.template}), tichet ${facts.ticketLabel}, nu a putut fi făcut: ${facts.reason}`,
    'Cetățeanul nu a primit nimic. Numărul rămâne în registrul de ieșire, fără fișier.',
    `Reparați șablonul din knowledge/documents/, anulați numărul (functionar documents revoke ${facts.label} --reason "șablon modificat") și emiteți din nou: /emite ${facts.ticketLabel} <șablon> <text>.`,
  ].join('\n');
}
