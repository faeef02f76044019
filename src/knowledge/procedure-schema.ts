import { z } from 'zod';
import type { Localized } from '../language.ts';
import type { Department, LifeEvent, OutOfScopeRedirect, Procedure, RefusalWords, RequestType, TownHall } from './knowledge-base.ts';

// The front-matter format of knowledge/ (see knowledge/README.md), validated and mapped to the
// camel-cased types of the contract. Written snake_case because administrators edit it by hand.

const departments = [
  'urbanism',
  'taxe-impozite',
  'registru-agricol',
  'stare-civila',
  'asistenta-sociala',
  'registratura',
  'secretariat',
] as const satisfies readonly Department[];

const requestTypes = [
  'cerere',
  'sesizare',
  'petitie',
  'informatii-publice',
  'declaratie',
  'audienta',
] as const satisfies readonly RequestType[];

const text = z.string().trim().min(1, 'must not be empty');
const localizedText = z.object({ ro: text, hu: text, en: text });
const localizedWords = z.object({ ro: z.array(text), hu: z.array(text), en: z.array(text) });
/** Example questions: any language may be left out (an empty list), the whole key too. */
const localizedExamples = z.object({ ro: z.array(text).default([]), hu: z.array(text).default([]), en: z.array(text).default([]) });

/** YAML reads an unquoted 2026-11-26 as a Date; a quoted one stays text. Both mean the same day. */
const calendarDate = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a date such as 2026-11-26')]).transform((value) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10),
);

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');

export const procedureFrontMatterSchema = z
  .object({
    slug,
    title: localizedText,
    department: z.enum(departments),
    request_type: z.enum(requestTypes),
    legal_basis: z.array(text).min(1, 'must name at least one law'),
    deadline: z
      .object({
        days: z.number().int().nonnegative().nullable(),
        working_days: z.boolean(),
        text: localizedText,
      })
      ,
    documents: z.array(localizedText),
    fee: localizedText,
    where: localizedText,
    online: z.union([z.literal(''), z.string().url('must be a URL or ""')]),
    keywords: localizedWords,
    /** Questions as citizens ask them: shown and checked in the editor's preview, not used for scoring. */
    examples: localizedExamples.optional(),
    updated: calendarDate,
    source: z.array(text).min(1, 'must cite at least one source'),
    to_confirm: z.array(text).default([]),
  })
  ;

export type ProcedureFrontMatter = z.infer<typeof procedureFrontMatterSchema>;

export function toProcedure(frontMatter: ProcedureFrontMatter, body: string, file: string): Procedure {
  return {
    slug: frontMatter.slug,
    title: frontMatter.title,
    department: frontMatter.department,
    requestType: frontMatter.request_type,
    legalBasis: frontMatter.legal_basis,
    deadline: { days: frontMatter.deadline.days, workingDays: frontMatter.deadline.working_days, text: frontMatter.deadline.text },
    documents: frontMatter.documents,
    fee: frontMatter.fee,
    where: frontMatter.where,
    online: frontMatter.online,
    keywords: frontMatter.keywords,
    // Empty lists everywhere mean no examples: the writer leaves the key out, so a round trip stays equal.
    ...(frontMatter.examples && Object.values(frontMatter.examples).some((questions) => questions.length > 0) ? { examples: frontMatter.examples } : {}),
    updated: frontMatter.updated,
    source: frontMatter.source,
    toConfirm: frontMatter.to_confirm,
    body,
    file,
  };
}

/** What a citizen may ask about the town hall itself, each answered from its own fields. */
export const townHallTopics = ['hours', 'address', 'contact', 'audience', 'payment', 'villages', 'departments', 'languages'] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 08:00');

export const townHallFrontMatterSchema = z
  .object({
    kind: z.literal('town-hall'),
    name: localizedText,
    address: text,
    phone: text,
    email: z.string().email(),
    website: z.union([z.literal(''), z.string().url()]),
    timezone: text,
    hours: z.array(
      z
        .object({
          days: z.array(z.number().int().min(1).max(7)).min(1),
          open: clockTime,
          close: clockTime,
        })
        ,
    ),
    departments: z.array(z.object({ id: z.enum(departments), name: localizedText, handles: localizedText.optional() })),
    villages: z.array(z.object({ ro: text, hu: text })).default([]),
    audience: localizedText.optional(),
    languages: localizedText.optional(),
    topics: z.array(z.object({ id: z.enum(townHallTopics), keywords: localizedWords, procedure: slug.optional() })).default([]),
    to_confirm: z.array(text).default([]),
    updated: calendarDate.optional(),
  })
  ;

export function toTownHall(frontMatter: z.infer<typeof townHallFrontMatterSchema>): TownHall {
  return {
    name: frontMatter.name,
    address: frontMatter.address,
    phone: frontMatter.phone,
    email: frontMatter.email,
    website: frontMatter.website,
    timezone: frontMatter.timezone,
    hours: frontMatter.hours,
    departments: frontMatter.departments,
    villages: frontMatter.villages,
    ...(frontMatter.audience ? { audience: frontMatter.audience } : {}),
    ...(frontMatter.languages ? { languages: frontMatter.languages } : {}),
    topics: frontMatter.topics,
    toConfirm: frontMatter.to_confirm,
  };
}

export const outOfScopeFrontMatterSchema = z
  .object({
    kind: z.literal('out-of-scope'),
    redirects: z.array(
      z
        .object({
          id: slug,
          title: localizedText,
          authority: localizedText,
          keywords: localizedWords,
        })
        ,
    ),
    /** Chit-chat and attempts to steer the assistant: refused politely, whatever else the message names. */
    chitchat: localizedWords.optional(),
    manipulation: localizedWords.optional(),
    /** The same, said only by small words the keyword lists drop ("ce mai faci", "ești primarul"): matched word for word. */
    chitchat_phrases: localizedWords.optional(),
    manipulation_phrases: localizedWords.optional(),
    /**
     * What the assistant cannot do but a citizen may ask beside a real question ("zi-mi o sumă orice",
     * "csak igennel vagy nemmel", "approve it yourself"): declined in one line, the procedure still answered.
     */
    demand_phrases: localizedWords.optional(),
    updated: calendarDate.optional(),
  })
  ;

const noWords = { ro: [], hu: [], en: [] };

export function toRefusalWords(frontMatter: z.infer<typeof outOfScopeFrontMatterSchema>): RefusalWords {
  return {
    chitchat: frontMatter.chitchat ?? noWords,
    manipulation: frontMatter.manipulation ?? noWords,
    chitchatPhrases: frontMatter.chitchat_phrases ?? noWords,
    manipulationPhrases: frontMatter.manipulation_phrases ?? noWords,
    demandPhrases: frontMatter.demand_phrases ?? noWords,
  };
}

export const lifeEventsFrontMatterSchema = z.object({
  kind: z.literal('life-events'),
  events: z.array(
    z.object({
      id: slug,
      title: localizedText,
      procedures: z.array(slug).min(1, 'must name at least one procedure').max(3, 'at most three procedures'),
      keywords: localizedWords,
      /** Said only by small words ("ne luăm", "nu mai e printre noi"): matched word for word. */
      phrases: localizedWords.optional(),
      /** The event this one becomes when told together with another country ("născut în Irlanda"). */
      abroad: slug.optional(),
      /** Earlier events this one comes after ("the notary gave the inheritance certificate" after "inherited"): told with it, they are done. */
      follows: z.array(slug).optional(),
      /** Telling it is already a request ("the street light is out"): a part of a message without a question. */
      tellingAsks: z.boolean().optional(),
    }),
  ),
  /** Words that name another country or being abroad ("Germania", "Angliában", "abroad"). */
  abroad: localizedWords.optional(),
  updated: calendarDate.optional(),
});

export function toLifeEvents(frontMatter: z.infer<typeof lifeEventsFrontMatterSchema>): { events: LifeEvent[]; abroadWords: Localized<string[]> } {
  return { events: frontMatter.events, abroadWords: frontMatter.abroad ?? { ro: [], hu: [], en: [] } };
}

export function toOutOfScopeRedirects(frontMatter: z.infer<typeof outOfScopeFrontMatterSchema>): OutOfScopeRedirect[] {
  return frontMatter.redirects;
}
