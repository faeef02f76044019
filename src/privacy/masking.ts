import { personNamePatterns } from './person-names.ts';

// The one masking function for text that leaves the town hall's own records: log lines, exports handed
// to third parties, and what Open311 publishes. It removes CNPs, phone numbers (Romanian mobile and
// landline, Hungarian, any +country form), e-mail addresses and, when asked, people's names. The
// formats come from an outside probe: numbers inside URL paths, URL-encoded, glued to letters or
// underscores, dashed in pairs, landlines in groups.

export interface MaskingOptions {
  /** Names known to belong to people in this text (the citizen, the clerk); each part is masked too. */
  names?: readonly (string | null | undefined)[];
  /** Also mask names found by their cue words and common given names ("mă numesc …", "Ion Popescu"). */
  personNames?: boolean;
}

export const maskTokens = { personalNumber: '[CNP]', email: '[e-mail]', name: '[nume]' } as const;

/** "[telefon …56]": the last two digits let a clerk reading the log tell two callers apart. */
function phoneToken(match: string): string {
  return `[telefon …${match.replace(/\D/g, '').slice(-2)}]`;
}

// A CNP: sex/century digit 1-9, birth date YYMMDD, county, serial, check digit. Digits only around it,
// so "CNP1850101264052" and "cnp1850101264054.pdf" are caught where \b would not be.
const personalNumberPattern = /(?<!\d)[1-9]\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{6}(?!\d)/g;

// One optional separator between digits: "0740 123 456", "0747-12-34-56", "0740.123.456".
const separator = '[ .\\-\\u00a0]?';
const phonePatterns = [
  // Romanian: 0 + 2/3 (landline) or 7 (mobile) + 8 digits; optionally +40 / 0040 in front, "(0265) 987 654".
  new RegExp(`(?<![\\d+])(?:(?:\\+|00)${separator}40${separator}\\(?0?\\)?${separator}|\\(?0)[237](?:\\)?${separator}\\d){8}(?!\\d)`, 'g'),
  // Hungarian: +36 / 0036 / 06, area or mobile code, 6-7 digits.
  new RegExp(`(?<![\\d+])(?:(?:\\+|00)${separator}36|06)${separator}\\(?\\d{1,2}\\)?(?:${separator}\\d){6,7}(?!\\d)`, 'g'),
  // Any other international number: + and 8-14 digits.
  new RegExp(`(?<![\\d+])\\+[1-9](?:${separator}\\d){7,13}(?!\\d)`, 'g'),
];

// A calendar date followed by an hour ("02.03.2026 10") has a phone's digit count; it is not one.
const datePrefix = /^\(?\d{2}\.\d{2}\.\d{4}/;

// Each match starts where a run of such characters starts: tried from every position inside a long run
// (a 6 000-letter URL), the pattern would rescan the rest of the run each time, quadratic in its length.
const emailPattern = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;

// A word holding percent escapes: "%2B40742345678", "0744%20123%20456", "ion%40example.com".
// Anchored at the start of the word, for the same reason as the e-mail pattern.
const percentEncodedRun = /(?<![^\s"'<>])[^\s"'<>]*%[0-9A-Fa-f]{2}[^\s"'<>]*/g;

function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray "%" that is not an escape: decode the escapes one by one.
    return text.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

function maskPlain(text: string, options: MaskingOptions): string {
  let masked = text.replace(emailPattern, maskTokens.email).replace(personalNumberPattern, maskTokens.personalNumber);
  for (const pattern of phonePatterns) masked = masked.replace(pattern, (match) => (datePrefix.test(match) ? match : phoneToken(match)));
  if (options.names || options.personNames) {
    for (const pattern of personNamePatterns(options.names ?? [], options.personNames ?? false)) {
      masked = masked.replace(pattern, (...groups) => {
        const named = groups.at(-1) as { cue?: string } | undefined;
        return `${named?.cue ?? ''}${maskTokens.name}`;
      });
    }
  }
  return masked;
}

/**
 * Masks personal data in `text`. URL-encoded runs are decoded first so an escaped number is still seen;
 * a run without personal data is left exactly as it was.
 */
export function maskPersonalData(text: string, options: MaskingOptions = {}): string {
  const decodedFirst = text.replace(percentEncodedRun, (run) => {
    const decoded = decodePercent(run);
    const masked = maskPlain(decoded, options);
    return masked === decoded ? run : masked;
  });
  return maskPlain(decodedFirst, options);
}
