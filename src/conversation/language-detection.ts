import { foldDiacritics, isLanguage, type Language } from '../language.ts';

// Short phone messages defeat statistical detectors, so we score marker words and letters instead.
// Romanian is matched on its diacritic-free forms because half of the citizens type without them.

const markerWords: Record<Language, string[]> = {
  ro: [
    'si', 'sa', 'ce', 'cum', 'unde', 'cand', 'cat', 'este', 'e', 'sunt', 'am', 'ai', 'imi', 'mi', 'trebuie', 'trebe', 'vreau',
    'pentru', 'pt', 'la', 'de', 'din', 'cu', 'nu', 'da', 'buna', 'ziua', 'salut', 'multumesc', 'mersi', 'acte', 'cerere',
    'cererea', 'primarie', 'primaria', 'impozit', 'impozitul', 'taxa', 'certificat', 'adeverinta', 'autorizatie', 'casa',
    'teren', 'copil', 'nevoie', 'fac', 'pot', 'care', 'ma', 'va', 'rog', 'dumneavoastra', 'dvs', 'meu', 'mea', 'al', 'ale',
    'sau', 'dar', 'daca', 'un', 'o', 'unei', 'unui', 'se', 'stadiul', 'sesizare', 'petitie', 'anuleaza', 'renunt', 'vorbesc',
    'om', 'functionar', 'cine', 'cat', 'costa', 'platesc', 'depun', 'ajutor', 'ziua', 'seara', 'neata',
    // Everyday words of reports and requests ("groapa mare pe strada principala, in fata scolii").
    'pe', 'in', 'fata', 'langa', 'mare', 'mic', 'strada', 'strazii', 'drum', 'drumul', 'sat', 'satul', 'scoala', 'scolii', 'mai',
    'foarte', 'este', 'era', 'fost', 'nici', 'acum', 'aici', 'acolo', 'ieri', 'azi', 'maine', 'zi', 'zile', 'luna', 'anul',
    'groapa', 'gropi', 'bec', 'stalp', 'gunoi', 'apa', 'curent', 'mama', 'tata', 'copilul', 'fiul', 'fiica', 'sotia', 'sotul',
  ],
  hu: [
    'a', 'az', 'es', 'hogy', 'mit', 'mi', 'hol', 'mikor', 'kell', 'kellene', 'van', 'nincs', 'nem', 'igen', 'jo', 'napot',
    'szia', 'szervusz', 'koszonom', 'koszi', 'kerem', 'kerek', 'szeretnek', 'szeretném', 'engedely', 'engedelyhez', 'ado',
    'adot', 'adó', 'igazolas', 'igazolast', 'hivatal', 'hivatalban', 'polgarmester', 'polgarmesteri', 'meg', 'egy', 'ez',
    'azt', 'is', 'mennyi', 'mennyibe', 'kerul', 'hogyan', 'tudom', 'tudok', 'fizetni', 'fizethetem', 'vinni', 'papirok',
    'kerelem', 'kerelmem', 'ugyintezo', 'ugyintezovel', 'beszelni', 'allapota', 'bejelentes', 'panasz', 'hazat', 'haz',
    'foldet', 'gyerek', 'anyakonyvi', 'kivonat', 'csaladi', 'potlek', 'segely', 'megse', 'vagy', 'de', 'ha', 'csak',
  ],
  en: [
    'the', 'a', 'an', 'and', 'is', 'are', 'what', 'where', 'when', 'how', 'do', 'does', 'i', 'my', 'need', 'to', 'for', 'of',
    'can', 'you', 'please', 'hello', 'hi', 'thanks', 'thank', 'permit', 'tax', 'taxes', 'certificate', 'request', 'pay',
    'which', 'documents', 'papers', 'want', 'talk', 'person', 'human', 'status', 'cancel', 'with', 'about', 'get', 'much',
    'cost', 'it', 'in', 'on', 'would', 'like', 'who', 'house', 'building', 'birth', 'marriage', 'town', 'hall', 'office',
  ],
};

const markerSets: Record<Language, Set<string>> = {
  ro: new Set(markerWords.ro),
  hu: new Set(markerWords.hu.map(foldDiacritics)),
  en: new Set(markerWords.en),
};

const hungarianLetters = /[őűŐŰ]|[áéíóöúü]/g;
const romanianLetters = /[ăâîșşțţĂÂÎȘŞȚŢ]/g;

export interface LanguageGuess {
  language: Language;
  /** 0 when there was nothing to go on. */
  confidence: number;
}

export function detectLanguage(text: string): LanguageGuess {
  const words = foldDiacritics(text).match(/\p{L}+/gu) ?? [];
  const scores: Record<Language, number> = { ro: 0, hu: 0, en: 0 };
  for (const word of words) {
    for (const language of ['ro', 'hu', 'en'] as const) {
      if (markerSets[language].has(word)) scores[language] += 1;
    }
  }
  // Letters only one of the languages uses are strong evidence even in a one-word message.
  scores.hu += (text.match(hungarianLetters) ?? []).filter((letter) => !'âî'.includes(letter)).length * 0.6;
  scores.ro += (text.match(romanianLetters) ?? []).length * 1.2;
  // Hungarian word endings seen in typical questions ("engedélyhez", "adót", "kérelmem").
  for (const word of words) {
    if (/(hez|hoz|hoz|nak|nek|ban|ben|rol|rol|tol|bol|val|vel|ert|kent|sag|seg|unk|tok|ni)$/.test(word) && word.length > 4) scores.hu += 0.4;
    if (/(ul|ului|ile|ilor|eaza|ez|esc|ati|iti|atie|tiei)$/.test(word) && word.length > 3) scores.ro += 0.4;
    if (/(ing|tion|ed|ly)$/.test(word) && word.length > 4) scores.en += 0.4;
  }
  const ranked = (Object.entries(scores) as [Language, number][]).sort((left, right) => right[1] - left[1]);
  const [best, second] = ranked;
  if (!best || best[1] === 0) return { language: 'ro', confidence: 0 };
  const margin = best[1] - (second?.[1] ?? 0);
  return { language: best[0], confidence: Math.min(1, margin / Math.max(1.5, best[1])) };
}

/**
 * The conversation's language: keep the previous one unless the new message clearly says otherwise,
 * so "ok" or a ticket number does not flip a Hungarian conversation to Romanian.
 */
export function chooseLanguage(text: string, previous: string | null | undefined, channelHint?: string): Language {
  const guess = detectLanguage(text);
  const fallback: Language = isLanguage(previous) ? previous : languageFromHint(channelHint) ?? 'ro';
  if (guess.confidence >= 0.34) return guess.language;
  return fallback;
}

export function languageFromHint(hint: string | undefined): Language | undefined {
  const prefix = hint?.slice(0, 2).toLowerCase();
  return isLanguage(prefix) ? prefix : undefined;
}
