import { createHash } from 'node:crypto';
import { foldDiacritics, languages, type Language } from '../language.ts';
import type { OutOfScopeRedirect, Procedure } from './knowledge-base.ts';

// What gets embedded and scored: one chunk per "## " section of a procedure's body, plus a summary
// chunk per language (title, keywords, documents) so a short question in any language meets the
// words people actually use for the procedure.

/** redirect: what another authority handles; only scored lexically, never stored in Chroma. */
export type ChunkKind = 'summary' | 'section' | 'redirect';

export interface KnowledgeChunk {
  /** `<slug>#<section-slug>`, stable while the heading does not change. */
  id: string;
  slug: string;
  titleRo: string;
  /** The heading as written ("Acte necesare"), or "summary". */
  section: string;
  language: Language;
  kind: ChunkKind;
  text: string;
  /** SHA-256 of everything stored for the chunk: a changed hash means re-embed. */
  hash: string;
  /**
   * The same text split by importance for lexical scoring: a word in a title or keyword says more
   * about what a procedure is than the same word in a list of documents. Not stored in Chroma.
   */
  fields: LexicalField[];
}

export interface LexicalField {
  text: string;
  weight: number;
}

/** How much a word counts, by where it appears. */
export const fieldWeights = { title: 3, keywords: 2, documents: 1, section: 1 } as const;

export const summarySection = 'summary';

/** Headings of the summaries in other languages; everything else in a body is Romanian. */
const sectionLanguages: Record<string, Language> = { magyarul: 'hu', 'in english': 'en', english: 'en' };

export function slugifyHeading(heading: string): string {
  return foldDiacritics(heading)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function hashChunk(chunk: Omit<KnowledgeChunk, 'hash' | 'fields'>): string {
  return createHash('sha256')
    .update(JSON.stringify([chunk.id, chunk.slug, chunk.titleRo, chunk.section, chunk.language, chunk.kind, chunk.text]))
    .digest('hex');
}

function finish(chunk: Omit<KnowledgeChunk, 'hash' | 'fields'>, fields?: LexicalField[]): KnowledgeChunk {
  return { ...chunk, hash: hashChunk(chunk), fields: fields ?? [{ text: chunk.text, weight: fieldWeights.section }] };
}

export function splitSections(body: string): { heading: string | undefined; content: string }[] {
  const sections: { heading: string | undefined; content: string[] }[] = [{ heading: undefined, content: [] }];
  for (const line of body.split(/\r?\n/)) {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) sections.push({ heading: heading[1]!, content: [] });
    else sections[sections.length - 1]!.content.push(line);
  }
  return sections
    .map((section) => ({ heading: section.heading, content: section.content.join('\n').trim() }))
    .filter((section) => section.content !== '');
}

function summaryText(procedure: Procedure, language: Language): string {
  return [
    procedure.title[language],
    procedure.keywords[language].join('; '),
    procedure.documents.map((document) => document[language]).join('; '),
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function summaryFields(procedure: Procedure, language: Language): LexicalField[] {
  return [
    { text: procedure.title[language], weight: fieldWeights.title },
    { text: procedure.keywords[language].join('; '), weight: fieldWeights.keywords },
    { text: procedure.documents.map((document) => document[language]).join('; '), weight: fieldWeights.documents },
  ];
}

export function chunkProcedure(procedure: Procedure): KnowledgeChunk[] {
  const common = { slug: procedure.slug, titleRo: procedure.title.ro };
  const chunks: KnowledgeChunk[] = languages.map((language) =>
    finish({
      ...common,
      id: `${procedure.slug}#${summarySection}-${language}`,
      section: summarySection,
      language,
      kind: 'summary',
      text: summaryText(procedure, language),
    }, summaryFields(procedure, language)),
  );
  const usedIds = new Set(chunks.map((chunk) => chunk.id));
  for (const { heading, content } of splitSections(procedure.body)) {
    const section = heading ?? 'Introducere';
    const language = sectionLanguages[foldDiacritics(section).trim()] ?? 'ro';
    let id = `${procedure.slug}#${slugifyHeading(section) || 'section'}`;
    for (let suffix = 2; usedIds.has(id); suffix += 1) id = `${procedure.slug}#${slugifyHeading(section)}-${suffix}`;
    usedIds.add(id);
    // The title travels with every section, so "Acte necesare" alone still says which procedure it is.
    chunks.push(finish({ ...common, id, section, language, kind: 'section', text: `${procedure.title[language]} — ${section}\n${content}` }));
  }
  return chunks;
}

/** A chunk's id is its owner's slug, "#", and the part: "autorizatie-construire#acte-necesare". */
export function slugOfChunkId(id: string): string {
  const separator = id.indexOf('#');
  return separator < 0 ? id : id.slice(0, separator);
}

/** Owner id of a redirect's chunks, kept apart from procedure slugs. */
export const redirectOwner = (id: string) => `redirect:${id}`;

export function chunkRedirects(redirects: readonly OutOfScopeRedirect[]): KnowledgeChunk[] {
  return redirects.flatMap((redirect) =>
    languages.map((language) =>
      finish(
        {
          id: `${redirectOwner(redirect.id)}#${language}`,
          slug: redirectOwner(redirect.id),
          titleRo: redirect.title.ro,
          section: 'redirect',
          language,
          kind: 'redirect',
          text: `${redirect.title[language]}\n${redirect.keywords[language].join('; ')}`,
        },
        [
          { text: redirect.title[language], weight: fieldWeights.title },
          { text: redirect.keywords[language].join('; '), weight: fieldWeights.keywords },
        ],
      ),
    ),
  );
}

export function chunkProcedures(procedures: readonly Procedure[]): KnowledgeChunk[] {
  return procedures.flatMap(chunkProcedure);
}
