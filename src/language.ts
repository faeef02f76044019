import { RecentResults } from './recent-results.ts';

export const languages = ['ro', 'hu', 'en'] as const;
export type Language = (typeof languages)[number];
export type Localized<T = string> = Record<Language, T>;

/** One of something per language, each made by `make` (a memory, a counter…). */
export function perLanguage<T>(make: (language: Language) => T): Localized<T> {
  return { ro: make('ro'), hu: make('hu'), en: make('en') };
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

// One message is folded again by every matcher that reads it (keywords, phrases, events, redirects):
// the last texts are remembered, and plain ASCII needs no decomposition at all.
const recentlyFolded = new RecentResults<string, string>(512);

/** Lower-case and strip diacritics, so "autorizație", "autorizatie" and "autorizaţie" compare equal. */
export function foldDiacritics(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase();
  return recentlyFolded.get(text, (unfolded) =>
    unfolded
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase(),
  );
}
