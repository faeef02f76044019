import type { Language, Localized } from '../language.ts';
import type { TicketStatus } from './ticket-states.ts';

// The names of ticket statuses and departments on every surface (web inbox, chats, CLI, reports,
// citizens' answers, Open311). Codes stay in the database; only these names are shown.

/**
 * Who reads the name. Staff texts speak of a "tichet" (neuter in Romanian: nou, închis) and of the
 * citizen in the third person; citizens read about their "cerere", which is feminine (nouă, închisă),
 * and are addressed directly ("așteaptă răspunsul dvs.").
 */
export type LabelAudience = 'staff' | 'citizen';

export const statusLabels: Record<TicketStatus, Record<LabelAudience, Localized>> = {
  nou: {
    staff: { ro: 'nou', hu: 'új', en: 'new' },
    citizen: { ro: 'nouă', hu: 'új', en: 'new' },
  },
  in_lucru: {
    staff: { ro: 'în lucru', hu: 'folyamatban', en: 'in progress' },
    citizen: { ro: 'în lucru', hu: 'folyamatban', en: 'in progress' },
  },
  asteapta_cetatean: {
    staff: { ro: 'așteaptă cetățeanul', hu: 'az ügyfél válaszára vár', en: 'waiting for the citizen' },
    citizen: { ro: 'așteaptă răspunsul dvs.', hu: 'az Ön válaszára vár', en: 'waiting for your answer' },
  },
  rezolvat: {
    staff: { ro: 'rezolvat', hu: 'megoldva', en: 'resolved' },
    citizen: { ro: 'rezolvată', hu: 'megoldva', en: 'resolved' },
  },
  inchis: {
    staff: { ro: 'închis', hu: 'lezárva', en: 'closed' },
    citizen: { ro: 'închisă', hu: 'lezárva', en: 'closed' },
  },
};

/** The status's name; an unknown code (a row written by a newer version) is shown as it is. */
export function statusLabel(status: string, language: Language, audience: LabelAudience): string {
  return statusLabels[status as TicketStatus]?.[audience][language] ?? status;
}

export const departmentIds = ['urbanism', 'taxe-impozite', 'registru-agricol', 'stare-civila', 'asistenta-sociala', 'registratura', 'secretariat'] as const;
export type DepartmentId = (typeof departmentIds)[number];

/**
 * Short names, written to read inside a sentence ("compartimentul urbanism"). The town hall's own names
 * (knowledge/town-hall.md, `departments`) win where they are loaded; these are the fallback.
 */
export const departmentNames: Record<DepartmentId, Localized> = {
  urbanism: { ro: 'urbanism', hu: 'urbanisztika', en: 'urban planning' },
  'taxe-impozite': { ro: 'taxe și impozite', hu: 'adók és illetékek', en: 'local taxes' },
  'registru-agricol': { ro: 'registrul agricol', hu: 'mezőgazdasági nyilvántartás', en: 'agricultural register' },
  'stare-civila': { ro: 'stare civilă', hu: 'anyakönyvezés', en: 'civil status' },
  'asistenta-sociala': { ro: 'asistență socială', hu: 'szociális segítség', en: 'social assistance' },
  registratura: { ro: 'registratură', hu: 'iktató', en: 'registry office' },
  secretariat: { ro: 'secretariat', hu: 'titkárság', en: 'secretariat' },
};

export function isDepartmentId(value: string): value is DepartmentId {
  return (departmentIds as readonly string[]).includes(value);
}

export function departmentName(id: string, language: Language): string {
  return isDepartmentId(id) ? departmentNames[id][language] : id;
}

/** A noun's forms after a number, by the CLDR plural category of the language. */
export interface CountedNoun {
  one: string;
  /** Romanian 0 and 2–19 (and 101–119…): "3 cereri". Languages without the category use `other`. */
  few?: string;
  /** Romanian 20 and up: "20 de cereri"; Hungarian always the singular noun: "3 kérelem". */
  other: string;
}

const pluralRules = new Map<Language, Intl.PluralRules>();

/** "1 cerere", "3 cereri", "20 de cereri"; "1 request", "3 requests"; "3 kérelem". */
export function countOf(count: number, noun: CountedNoun, language: Language, formatNumber: (count: number) => string = String): string {
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  const category = rules.select(count);
  const form = category === 'one' ? noun.one : category === 'few' ? (noun.few ?? noun.other) : noun.other;
  return `${formatNumber(count)} ${form}`;
}

/** Nouns the clerk and report texts count. */
export const countedNouns = {
  ticket: {
    ro: { one: 'tichet', few: 'tichete', other: 'de tichete' },
    hu: { one: 'jegy', other: 'jegy' },
    en: { one: 'ticket', other: 'tickets' },
  },
  request: {
    ro: { one: 'cerere', few: 'cereri', other: 'de cereri' },
    hu: { one: 'kérelem', other: 'kérelem' },
    en: { one: 'request', other: 'requests' },
  },
} satisfies Record<string, Localized<CountedNoun>>;
