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

/**
 * The audit trail's event kinds (ticket_events.kind) as people read them. A kind not listed here (written
 * by a newer version) is shown as a readable phrase, never as the raw key.
 */
export const eventLabels: Record<string, Localized> = {
  created: { ro: 'tichet înregistrat', hu: 'jegy iktatva', en: 'ticket registered' },
  receipt_issued: { ro: 'număr de înregistrare comunicat cetățeanului', hu: 'iktatószám közölve az ügyféllel', en: 'registration number given to the citizen' },
  reply: { ro: 'răspuns trimis cetățeanului', hu: 'válasz elküldve az ügyfélnek', en: 'answer sent to the citizen' },
  note: { ro: 'notă internă', hu: 'belső megjegyzés', en: 'internal note' },
  assigned: { ro: 'alocat', hu: 'kiosztva', en: 'assigned' },
  closed: { ro: 'închis', hu: 'lezárva', en: 'closed' },
  viewed: { ro: 'deschis de un funcționar', hu: 'ügyintéző megnyitotta', en: 'opened by a clerk' },
  citizen_message: { ro: 'mesaj de la cetățean', hu: 'üzenet az ügyféltől', en: 'message from the citizen' },
  citizen_followed_up: { ro: 'cetățeanul a revenit', hu: 'az ügyfél újra jelentkezett', en: 'the citizen wrote again' },
  reopened: { ro: 'redeschis (cetățeanul a revenit)', hu: 'újranyitva (az ügyfél újra jelentkezett)', en: 'reopened (the citizen wrote again)' },
  status: { ro: 'stare schimbată', hu: 'állapot módosítva', en: 'status changed' },
  deadline_extended: { ro: 'termen prelungit', hu: 'határidő meghosszabbítva', en: 'deadline extended' },
  delivery_failed: { ro: 'livrare eșuată', hu: 'kézbesítés sikertelen', en: 'delivery failed' },
  delivery_to_check: {
    ro: 'livrare de verificat (după restaurarea unei copii de siguranță)',
    hu: 'kézbesítés ellenőrizendő (biztonsági mentés visszaállítása után)',
    en: 'delivery to check (after a backup was restored)',
  },
  command_refused: { ro: 'comandă refuzată', hu: 'parancs elutasítva', en: 'command refused' },
  command_failed: { ro: 'comandă eșuată', hu: 'parancs sikertelen', en: 'command failed' },
  command_invalid: { ro: 'comandă greșită', hu: 'hibás parancs', en: 'invalid command' },
  tickets_listed: { ro: 'listă de tichete consultată', hu: 'jegylista megtekintve', en: 'ticket list viewed' },
  digest_sent: { ro: 'rezumat al termenelor trimis', hu: 'határidő-összesítő elküldve', en: 'deadline digest sent' },
  personal_data_erased: { ro: 'date personale șterse (GDPR)', hu: 'személyes adatok törölve (GDPR)', en: 'personal data erased (GDPR)' },
  question_taught: { ro: 'răspuns învățat pentru o întrebare', hu: 'válasz megtanítva egy kérdésre', en: 'answer taught for a question' },
  editor_right_granted: { ro: 'drept de editor acordat unui funcționar', hu: 'szerkesztői jog megadva egy ügyintézőnek', en: 'editor right granted to a clerk' },
  editor_right_revoked: { ro: 'drept de editor retras unui funcționar', hu: 'szerkesztői jog visszavonva egy ügyintézőtől', en: 'editor right revoked from a clerk' },
};

/** The event's name for people: from the table, or the key made readable ("some_new_kind" → "some new kind"). */
export function eventLabel(kind: string, language: Language): string {
  return eventLabels[kind]?.[language] ?? kind.replace(/[_-]+/g, ' ');
}
