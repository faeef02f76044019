import { foldDiacritics } from '../language.ts';
import { spellNumbersAsDigits } from './number-words.ts';

// The facts a citizen acts on — how much to pay, how long to wait, until when, which law applies, whom to
// call — are the facts a small model most readily invents. Each is reduced to a canonical key
// ("money:ron:50", "duration:days:14", "date:03-31", "phone:265123456") so that "50 de lei", "50 lei",
// "50,00 RON", "cincizeci de lei" and "50 lej" all compare equal, and "două săptămâni" equals "14 zile".
// Deliberately strict where a paraphrase changes the fact: "o lună" is not "30 de zile", and "15 zile
// lucrătoare" is not "15 zile" when the source counts calendar days.

export type FactKind = 'money' | 'duration' | 'percent' | 'date' | 'time' | 'law' | 'article' | 'free' | 'phone' | 'email' | 'url';

/** Kinds that town-hall.md (contacts, opening hours) may also back. */
export const contactKinds: ReadonlySet<FactKind> = new Set(['phone', 'email', 'url', 'time']);

export interface FactClaim {
  kind: FactKind;
  key: string;
  /** The matched words (diacritics folded, numbers in digits), for reporting. */
  text: string;
  /** Where the claim starts in the text it was extracted from, for attributing it to a citation. */
  index: number;
}

const amount = String.raw`(?<![\w.,:/])(\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d/])`;
const lawWords = String.raw`(?:legea|legii|lege|law|og|oug|hg|hcl|ordinul|ordinului|ordin|ordonanta[a-z]*|hotararea|hotararii|decretul|decret)`;
const currencyWords = String.raw`(lei|leu|ron|lej[a-z]*|euro|eur|€|forint[a-z]*|ft|huf)`;
const monthNames: [month: number, pattern: string][] = [
  [1, 'ianuarie|januar[a-z]*|january'],
  [2, 'februarie|februar[a-z]*|february'],
  [3, 'martie|marcius[a-z]*|march'],
  [4, 'aprilie|aprilis[a-z]*|april'],
  [5, 'mai|majus[a-z]*|may'],
  [6, 'iunie|junius[a-z]*|june'],
  [7, 'iulie|julius[a-z]*|july'],
  [8, 'august|augusztus[a-z]*'],
  [9, 'septembrie|szeptember[a-z]*|september'],
  [10, 'octombrie|oktober[a-z]*|october'],
  [11, 'noiembrie|november[a-z]*'],
  [12, 'decembrie|december[a-z]*'],
];
const monthPattern = monthNames.map(([, pattern]) => pattern).join('|');

/** Unit → how many of the canonical unit it is; weeks become days and years months, so paraphrases compare equal. */
const durationUnits: [unit: string, canonical: string, factor: number, pattern: string][] = [
  ['days', 'days', 1, String.raw`(?:zile|zi|days?|nap[a-z]*)(?![a-z])`],
  ['workdays', 'workdays', 1, String.raw`(?:munkanap[a-z]*)(?![a-z])`],
  ['weeks', 'days', 7, String.raw`(?:saptamani|saptamana|weeks?|het(?:et|ig|en|re)?)(?![a-z])`],
  ['months', 'months', 1, String.raw`(?:luni|luna|months?|honap[a-z]*)(?![a-z])`],
  ['years', 'months', 12, String.raw`(?:ani|an|years?|ev(?:ig|re|en|et)?)(?![a-z])`],
  ['hours', 'hours', 1, String.raw`(?:ore|ora|orat|hours?)(?![a-z])`],
];

interface Extractor {
  kind: FactKind;
  pattern: RegExp;
  key: (match: RegExpExecArray) => string | string[] | undefined;
}

const extractors: Extractor[] = [
  {
    kind: 'money',
    pattern: new RegExp(String.raw`${amount}\s*(?:de\s+)?${currencyWords}(?![a-z])`, 'g'),
    key: (match) => `money:${currency(match[2])}:${parseAmount(match[1])}`,
  },
  {
    kind: 'money',
    pattern: new RegExp(String.raw`(?<![a-z])(ron|eur|€|huf)\s*${amount}`, 'g'),
    key: (match) => `money:${currency(match[1])}:${parseAmount(match[2])}`,
  },
  {
    kind: 'percent',
    // "10%", "0,5%-a", "10 procente", "zece la suta", "10 szazalek", "10 percent".
    pattern: new RegExp(String.raw`${amount}\s*(?:%|la\s+suta|procent[a-z]*|percent|szazalek[a-z]*)`, 'g'),
    key: (match) => `percent:${parseAmount(match[1])}`,
  },
  ...durationUnits.map(
    ([, canonical, factor, pattern]): Extractor => ({
      kind: 'duration',
      // "30 de zile", "30 zile lucrătoare", "30-day", "15 working days", Hungarian "30 napon belül", "15. napon".
      pattern: new RegExp(String.raw`${amount}\.?[\s-]*(?:de\s+)?(working\s+|business\s+|calendar\s+)?${pattern}(\s+lucratoare|\s+calendaristice)?`, 'g'),
      key: (match) => {
        const working = /working|business/.test(match[2] ?? '') || /lucratoare/.test(match[3] ?? '');
        const unit = working && canonical === 'days' ? 'workdays' : canonical;
        return `duration:${unit}:${Number(parseAmount(match[1])) * factor}`;
      },
    }),
  ),
  {
    kind: 'date',
    // "31 martie", "31 martie 2026", "31 march"; Hungarian and English "március 31-ig", "March 31".
    pattern: new RegExp(String.raw`(?<![\d.,])([0-3]?\d)\.?\s+(${monthPattern})(?![a-z])`, 'g'),
    key: (match) => dateKey(match[2], match[1]),
  },
  {
    kind: 'date',
    // Romanian "mai" is also "more" ("mai 15 zile"), so month-first needs a Hungarian or English month.
    pattern: new RegExp(String.raw`(?<![a-z])(${monthPattern.replace('mai|', '')})\s+([0-3]?\d)(?![\d])`, 'g'),
    key: (match) => dateKey(match[1], match[2]),
  },
  {
    kind: 'date',
    pattern: /(?<![\d.,/])([0-3]?\d)[./]([01]?\d)[./]((?:19|20)\d{2})(?![\d])/g,
    key: (match) => `date:${pad(Number(match[2]))}-${pad(Number(match[1]))}`,
  },
  {
    kind: 'time',
    pattern: /(?<![\d.,:])([01]?\d|2[0-3]):([0-5]\d)(?!\d)/g,
    key: (match) => `time:${Number(match[1])}:${match[2]}`,
  },
  {
    kind: 'time',
    // "de la ora 8", "orele 8-16", Hungarian "8 órától", "16 óráig", English "8 am".
    pattern: /(?<![a-z])(?:ora|orele)\s+(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?(?![\d:])|(?<![\d.,:])(\d{1,2})\s*(?:oratol|oraig|orakor|(am|pm)(?![a-z]))/g,
    key: (match) => {
      if (match[1] !== undefined) return [match[1], match[2]].filter((hour): hour is string => hour !== undefined).map((hour) => `time:${Number(hour)}:00`);
      const hour = Number(match[3]) + (match[4] === 'pm' && Number(match[3]) < 12 ? 12 : 0);
      return `time:${hour}:00`;
    },
  },
  {
    kind: 'law',
    pattern: /(?<![\w/.,])(\d{1,4})\s*\/\s*((?:19|20)\d{2})(?![\d/])/g,
    key: (match) => `law:${Number(match[1])}/${match[2]}`,
  },
  {
    kind: 'law',
    pattern: new RegExp(String.raw`(?<![a-z])${lawWords}\s+(?:(?:nr|no)\.?\s*)?(\d{1,4})\s+din\s+(?:\d{1,2}\s+[a-z]+\s+)?((?:19|20)\d{2})`, 'g'),
    key: (match) => `law:${Number(match[1])}/${match[2]}`,
  },
  {
    kind: 'law',
    // "Legea nr. 50" without its year still names a law; it must be one the sources name. A full stop
    // after the number ends the sentence ("… conform Legea nr. 123."), a digit after it does not.
    pattern: new RegExp(String.raw`(?<![a-z])${lawWords}\s+(?:(?:nr|no)\.?\s*)?(\d{1,4})(?![\d]|[.,]\d|\s*\/|\s+din\s)`, 'g'),
    key: (match) => `lawnumber:${Number(match[1])}`,
  },
  {
    kind: 'article',
    // "art. 474", "art. 1, 2, 7 si 11", "articolele 5 și 6".
    pattern: /(?<![a-z])art(?:\.|icolul|icolului|icolele|icol|icle|icles)?\s*(\d+(?:\s*\^\s*\d+)?(?:\s*(?:,|si|and|es)\s*\d+(?![\d/]))*)/g,
    key: (match) => articleKeys(match[1] ?? ''),
  },
  {
    kind: 'article',
    pattern: /(?<![\w.])(\d+)\.\s*cikk[a-z]*/g,
    key: (match) => `article:${Number(match[1])}`,
  },
  {
    kind: 'free',
    pattern: /(?<![a-z])(?:gratuit[a-z]*|gratis|fara\s+(?:nicio\s+)?(?:taxa|plata|cost)|nu\s+se\s+(?:plateste|percepe)|nu\s+costa|ingyen[a-z]*|dijmentes[a-z]*|illetekmentes[a-z]*|free(?:\s+of\s+charge)?|no\s+(?:fee|charge|cost))(?![a-z])/g,
    key: () => 'free',
  },
  {
    kind: 'email',
    pattern: /(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![a-z0-9-])/g,
    key: (match) => `email:${match[0]}`,
  },
  {
    kind: 'url',
    // Full addresses and bare domains ("ghiseul.ro/plata"); an e-mail's domain is not a link.
    pattern: /(?:https?:\/\/|(?<![\w@.\/-])(?=www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:ro|hu|com|org|net|eu|info|gov)(?![a-z0-9-])))[^\s<>()[\]"'«»„”]+/g,
    key: (match) => urlKey(match[0]),
  },
  {
    kind: 'phone',
    // 9 to 13 digits with spaces, dots, dashes or brackets between them: Romanian and Hungarian numbers.
    pattern: /(?<![\w.,\/+-])(?:\+|00)?\d(?:[\s.()-]{0,2}\d){8,12}(?![\d\/]|[.,]\d)/g,
    key: (match) => phoneKey(match[0]),
  },
];

/** Lower-case, no diacritics, one space for any run of whitespace, numbers in words as digits. */
export function normalizeForFacts(text: string): string {
  return spellNumbersAsDigits(foldDiacritics(text).replace(/\s+/g, ' '));
}

export function extractFactClaims(text: string): FactClaim[] {
  const normalized = normalizeForFacts(text);
  const claims: FactClaim[] = [];
  for (const extractor of extractors) {
    for (const match of normalized.matchAll(extractor.pattern)) {
      const keys = extractor.key(match);
      for (const key of keys === undefined ? [] : Array.isArray(keys) ? keys : [keys]) {
        claims.push({ kind: extractor.kind, key, text: match[0].trim(), index: match.index });
      }
    }
  }
  return claims;
}

/** Every key the texts support, with the shorter forms a correct answer may use. */
export function groundedFactKeys(texts: readonly string[], kinds?: ReadonlySet<FactKind>): Set<string> {
  const keys = new Set<string>();
  for (const text of texts) {
    for (const claim of extractFactClaims(text)) {
      if (kinds && !kinds.has(claim.kind)) continue;
      keys.add(claim.key);
      // A law named with its year also backs a mention of the law without it.
      const lawNumber = /^law:(\d+)\//.exec(claim.key);
      if (lawNumber) keys.add(`lawnumber:${lawNumber[1]}`);
      // "15 zile" for a source's "15 zile lucrătoare" understates nothing a citizen would miss by; the
      // other way round ("lucrătoare" when the source counts calendar days) stays a violation.
      const workdays = /^duration:workdays:(.+)$/.exec(claim.key);
      if (workdays) keys.add(`duration:days:${workdays[1]}`);
      // A source's address also backs its site ("www.ghiseul.ro" for "https://www.ghiseul.ro/ghiseul/public").
      if (claim.kind === 'url') for (const prefix of urlPrefixes(claim.key)) keys.add(prefix);
    }
  }
  return keys;
}

/** "1.500,50" → 1500.5; "10.5" → 10.5; "1,000" → 1000 (a 3-digit group is a thousands group, 1–2 digits are decimals). */
export function parseAmount(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  const decimals = /[.,](\d{1,2})$/.exec(text);
  const integer = (decimals ? text.slice(0, decimals.index) : text).replace(/[ .,]/g, '');
  return String(Number(decimals ? `${integer}.${decimals[1]}` : integer));
}

function currency(word: string | undefined): string {
  if (word === 'euro' || word === 'eur' || word === '€') return 'eur';
  if (word === 'ft' || word === 'huf' || word?.startsWith('forint')) return 'huf';
  return 'ron';
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function dateKey(monthWord: string | undefined, day: string | undefined): string | undefined {
  const month = monthNames.find(([, pattern]) => new RegExp(`^(?:${pattern})$`).test(monthWord ?? ''))?.[0];
  const dayNumber = Number(day);
  if (month === undefined || dayNumber < 1 || dayNumber > 31) return undefined;
  return `date:${pad(month)}-${pad(dayNumber)}`;
}

function articleKeys(list: string): string[] {
  return [...list.matchAll(/(\d+)(?:\s*\^\s*(\d+))?/g)].map((match) => `article:${Number(match[1])}${match[2] ? `^${match[2]}` : ''}`);
}

/** Host and path without scheme, "www.", query, trailing punctuation or slash. */
function urlKey(raw: string): string | undefined {
  const trimmed = raw.replace(/[.,;:!?)\]}'"»]+$/, '');
  const withoutScheme = trimmed.replace(/^https?:\/\//, '').replace(/^www\./, '');
  const [hostAndPath] = withoutScheme.split(/[?#]/);
  const cleaned = (hostAndPath ?? '').replace(/\/+$/, '');
  return cleaned === '' ? undefined : `url:${cleaned}`;
}

function urlPrefixes(key: string): string[] {
  const segments = key.slice('url:'.length).split('/');
  return segments.map((_, index) => `url:${segments.slice(0, index + 1).join('/')}`);
}

/** The national number: "+40 265 123 456", "0040265123456" and "0265-123-456" are one phone. */
function phoneKey(raw: string): string | undefined {
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length >= 11 && /^(?:40|36)/.test(digits)) digits = digits.slice(2);
  digits = digits.replace(/^0+/, '');
  return digits.length >= 8 ? `phone:${digits}` : undefined;
}
