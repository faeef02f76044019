import type { Language, Localized } from '../language.ts';

// GDPR art. 13: people are told who processes their data, why, how long, and their rights, before they
// give any. Chat channels cannot show anything before the first message arrives, so the first reply a
// new contact gets carries a short notice and a link to the full page (/privacy); the web chat bubble
// can show the same line before the first question.

export const privacyNoticeVersion = 'privacy-2026-01-v1';

export const privacyPath = '/privacy';

export function privacyUrl(publicUrl: string | undefined, language: Language): string {
  return `${publicUrl ?? ''}${privacyPath}?lang=${language}`;
}

const shortNotice: Localized<(townHall: string, url: string) => string> = {
  ro: (townHall, url) =>
    `ℹ️ Protecția datelor: ${townHall} păstrează această conversație doar ca să vă răspundă; conversațiile fără o cerere înregistrată se șterg automat. Nu scrieți CNP-ul. Detalii și drepturile dvs.: ${url}`,
  hu: (townHall, url) =>
    `ℹ️ Adatvédelem: a(z) ${townHall} ezt a beszélgetést csak a válaszadáshoz őrzi meg; az iktatott kérelem nélküli beszélgetések automatikusan törlődnek. Ne írja be a személyi számát (CNP). Részletek és jogai: ${url}`,
  en: (townHall, url) =>
    `ℹ️ Data protection: ${townHall} keeps this conversation only to answer you; conversations without a registered request are deleted automatically. Do not write your personal numeric code (CNP). Details and your rights: ${url}`,
};

export function privacyNoticeLine(language: Language, townHall: string, publicUrl: string | undefined): string {
  return shortNotice[language](townHall, privacyUrl(publicUrl, language));
}
