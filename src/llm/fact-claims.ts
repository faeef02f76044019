import { foldDiacritics } from '../language.ts';

// The facts a citizen acts on — how much to pay, how long to wait, which law applies — are the facts a
// small model most readily invents. Each is reduced to a canonical key ("money:ron:50", "duration:days:30",
// "law:544/2001") so "50 de lei", "50 lei", "50,00 RON" and "50 lej" in a Hungarian answer all compare equal.

export type FactKind = 'money' | 'duration' | 'law' | 'article';

export interface FactClaim {
  kind: FactKind;
  key: string;
  /** The matched words (diacritics folded), for reporting. */
  text: string;
}

const amount = String.raw`(?<![\w.,:/])(\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d/])`;
const lawWords = String.raw`(?:legea|legii|lege|law|og|oug|hg|hcl|ordinul|ordinului|ordin|ordonanta[a-z]*|hotararea|hotararii|decretul|decret)`;

const durationUnits: [unit: string, pattern: string][] = [
  ['days', String.raw`(?:zile|zi|days?|(?:munka)?nap[a-z]*)(?![a-z])`],
  ['weeks', String.raw`(?:saptamani|saptamana|weeks?|het(?:et|ig|en|re)?)(?![a-z])`],
  ['months', String.raw`(?:luni|luna|months?|honap[a-z]*)(?![a-z])`],
  ['years', String.raw`(?:ani|an|years?|ev(?:ig|re|en|et)?)(?![a-z])`],
  ['hours', String.raw`(?:ore|ora[a-z]*|hours?)(?![a-z])`],
];

interface Extractor {
  kind: FactKind;
  pattern: RegExp;
  key: (match: RegExpExecArray) => string | undefined;
}

const extractors: Extractor[] = [
  {
    kind: 'money',
    pattern: new RegExp(String.raw`${amount}\s*(?:de\s+)?(lei|leu|ron|lej[a-z]*|euro|eur|€)(?![a-z])`, 'g'),
    key: (match) => `money:${currency(match[2])}:${parseAmount(match[1])}`,
  },
  {
    kind: 'money',
    pattern: new RegExp(String.raw`(?<![a-z])(ron|eur|€)\s*${amount}`, 'g'),
    key: (match) => `money:${currency(match[1])}:${parseAmount(match[2])}`,
  },
  ...durationUnits.map(
    ([unit, pattern]): Extractor => ({
      kind: 'duration',
      // "30 de zile", "30 zile lucrătoare", "30-day", Hungarian "30 napon belül", "15. napon".
      pattern: new RegExp(String.raw`${amount}\.?[\s-]*(?:de\s+)?${pattern}`, 'g'),
      key: (match) => `duration:${unit}:${parseAmount(match[1])}`,
    }),
  ),
  {
    kind: 'law',
    pattern: /(?<![\w/.,])(\d{1,4})\s*\/\s*((?:19|20)\d{2})(?![\d/])/g,
    key: (match) => `law:${Number(match[1])}/${match[2]}`,
  },
  {
    kind: 'law',
    pattern: new RegExp(String.raw`(?<![a-z])${lawWords}\s+(?:nr\.?\s*)?(\d{1,4})\s+din\s+(?:\d{1,2}\s+[a-z]+\s+)?((?:19|20)\d{2})`, 'g'),
    key: (match) => `law:${Number(match[1])}/${match[2]}`,
  },
  {
    kind: 'law',
    // "Legea nr. 50" without its year still names a law; it must be one the sources name.
    pattern: new RegExp(String.raw`(?<![a-z])${lawWords}\s+(?:nr\.?\s*)?(\d{1,4})(?![\d.,]|\s*\/|\s+din\s)`, 'g'),
    key: (match) => `lawnumber:${Number(match[1])}`,
  },
  {
    kind: 'article',
    pattern: /(?<![a-z])art(?:\.|icolul|icolului|icolele|icol|icle)?\s*(\d+)(?:\s*\^\s*(\d+))?/g,
    key: (match) => `article:${Number(match[1])}${match[2] ? `^${match[2]}` : ''}`,
  },
  {
    kind: 'article',
    pattern: /(?<![\w.])(\d+)\.\s*cikk[a-z]*/g,
    key: (match) => `article:${Number(match[1])}`,
  },
];

/** Lower-case, no diacritics, one space for any run of whitespace. */
export function normalizeForFacts(text: string): string {
  return foldDiacritics(text).replace(/\s+/g, ' ');
}

export function extractFactClaims(text: string): FactClaim[] {
  const normalized = normalizeForFacts(text);
  const claims: FactClaim[] = [];
  for (const extractor of extractors) {
    for (const match of normalized.matchAll(extractor.pattern)) {
      const key = extractor.key(match);
      if (key !== undefined) claims.push({ kind: extractor.kind, key, text: match[0].trim() });
    }
  }
  return claims;
}

/** Every key the text supports; a law named with its year also supports a mention of the law without it. */
export function groundedFactKeys(texts: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const text of texts) {
    for (const claim of extractFactClaims(text)) {
      keys.add(claim.key);
      const lawNumber = /^law:(\d+)\//.exec(claim.key);
      if (lawNumber) keys.add(`lawnumber:${lawNumber[1]}`);
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
  return word === 'euro' || word === 'eur' || word === '€' ? 'eur' : 'ron';
}
