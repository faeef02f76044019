export const languages = ['ro', 'hu', 'en'] as const;
export type Language = (typeof languages)[number];
export type Localized<T = string> = Record<Language, T>;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** Lower-case and strip diacritics, so "autorizație", "autorizatie" and "autorizaţie" compare equal. */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
