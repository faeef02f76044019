import type { RetrievedProcedure } from '../knowledge/knowledge-base.ts';
import { languages, type Language, type Localized } from '../language.ts';
import type { PromptLibrary } from './prompt-templates.ts';

// What the model is shown about each retrieved procedure, and — for the guardrails — everything the
// procedure says in any language, so a Hungarian answer can be checked against Romanian sources.

export interface SourceLimits {
  maxExcerpts: number;
  maxExcerptCharacters: number;
}

export const defaultSourceLimits: SourceLimits = { maxExcerpts: 3, maxExcerptCharacters: 500 };

const emptyField = '—';

export function renderSources(
  candidates: readonly RetrievedProcedure[],
  language: Language,
  prompts: PromptLibrary,
  limits: SourceLimits = defaultSourceLimits,
): string {
  return candidates.map((candidate) => renderSource(candidate, language, prompts, limits)).join('\n\n');
}

function renderSource(candidate: RetrievedProcedure, language: Language, prompts: PromptLibrary, limits: SourceLimits): string {
  const { procedure } = candidate;
  const excerpts = candidate.excerpts
    .map((excerpt) => excerpt.replace(/\s+/g, ' ').trim())
    .filter((excerpt) => excerpt !== '')
    .slice(0, limits.maxExcerpts)
    .map((excerpt) => `  > ${truncate(excerpt, limits.maxExcerptCharacters)}`);
  const documents = procedure.documents.map((document) => `  - ${localized(document, language)}`);
  return prompts.render('source', language, {
    slug: procedure.slug,
    title: localized(procedure.title, language),
    officialTitle: procedure.title.ro || emptyField,
    documents: documents.length > 0 ? documents.join('\n') : `  - ${emptyField}`,
    deadline: localized(procedure.deadline.text, language) || (procedure.deadline.days === null ? emptyField : String(procedure.deadline.days)),
    fee: localized(procedure.fee, language) || emptyField,
    where: localized(procedure.where, language) || emptyField,
    online: procedure.online || emptyField,
    legalBasis: procedure.legalBasis.length > 0 ? procedure.legalBasis.join('; ') : emptyField,
    excerpts: excerpts.length > 0 ? excerpts.join('\n') : `  > ${emptyField}`,
  });
}

/** All the procedure's text in every language: what an answer citing it may state. */
export function groundingTexts(candidate: RetrievedProcedure): string[] {
  const { procedure } = candidate;
  const allLanguages = (text: Localized) => languages.map((language) => text[language]);
  return [
    ...allLanguages(procedure.title),
    ...allLanguages(procedure.deadline.text),
    // The structured deadline, in the same words the extractor reads: working days stay working days.
    procedure.deadline.days === null ? '' : `${procedure.deadline.days} zile${procedure.deadline.workingDays ? ' lucrătoare' : ''}`,
    ...procedure.documents.flatMap(allLanguages),
    ...allLanguages(procedure.fee),
    ...allLanguages(procedure.where),
    procedure.online,
    ...procedure.legalBasis,
    ...procedure.source,
    procedure.body,
    ...candidate.excerpts,
  ].filter((text) => text !== '');
}

function localized(text: Localized, language: Language): string {
  return text[language] || text.ro;
}

function truncate(text: string, maxCharacters: number): string {
  return text.length <= maxCharacters ? text : `${text.slice(0, maxCharacters - 1)}…`;
}
