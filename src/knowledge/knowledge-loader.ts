import fs from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import type { ZodError, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { exampleQuestionsFile, parseExampleQuestions, townHallAnswer, type ExampleQuestion } from './example-questions.ts';
import { lineOfKeyPath } from './front-matter-lines.ts';
import { languages, type Localized } from '../language.ts';
import type { LifeEvent, OutOfScopeRedirect, Procedure, RefusalWords, TownHall } from './knowledge-base.ts';
import {
  lifeEventsFrontMatterSchema,
  outOfScopeFrontMatterSchema,
  procedureFrontMatterSchema,
  toLifeEvents,
  toOutOfScopeRedirects,
  toProcedure,
  toRefusalWords,
  toTownHall,
  townHallFrontMatterSchema,
} from './procedure-schema.ts';

export interface KnowledgeProblem {
  /** Path relative to the knowledge directory. */
  file: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
  /** error: the file was skipped; warning: it was loaded, but something in it was ignored. */
  severity: 'error' | 'warning';
}

export interface LoadedKnowledge {
  procedures: Procedure[];
  townHall: TownHall | undefined;
  outOfScope: OutOfScopeRedirect[];
  lifeEvents: LifeEvent[];
  /** Words that name another country: a birth or a marriage told with one happened abroad. */
  abroadWords: Localized<string[]>;
  refusals: RefusalWords;
  /** Questions citizens asked, with the procedures that answer them (example-questions.jsonl). */
  examples: ExampleQuestion[];
  problems: KnowledgeProblem[];
}

interface YamlException {
  name: string;
  reason?: string;
  mark?: { line: number; column: number };
}

function isYamlException(error: unknown): error is YamlException {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'YAMLException';
}

async function listMarkdownFiles(directory: string): Promise<string[]> {
  const entries = await fs.readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The file line of the opening "---". gray-matter's `matter` text starts right after it (with the
 * rest of that line), so line N of `matter` is line N + this - 1 of the file.
 */
function frontMatterFirstLine(content: string): number {
  const leading = /^\uFEFF?((?:[ \t]*\r?\n)*)/.exec(content);
  return (leading?.[1]?.split('\n').length ?? 1);
}

function describeSchemaErrors(error: ZodError, frontMatter: string, firstLine: number, file: string): KnowledgeProblem[] {
  return error.issues.map((issue) => {
    const keyPath = issue.path.join('.');
    const line = lineOfKeyPath(frontMatter, issue.path);
    return {
      file,
      ...(line === undefined ? {} : { line: line + firstLine - 1 }),
      message: `${keyPath === '' ? 'front matter' : keyPath}: ${issue.message}`,
      severity: 'error' as const,
    };
  });
}

function unknownKeyWarnings(data: Record<string, unknown>, schema: ZodTypeAny, frontMatter: string, firstLine: number, file: string): KnowledgeProblem[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape) return [];
  return Object.keys(data)
    .filter((key) => !(key in shape))
    .map((key) => {
      const line = lineOfKeyPath(frontMatter, [key]);
      return {
        file,
        ...(line === undefined ? {} : { line: line + firstLine - 1 }),
        message: `${key}: unknown key, ignored`,
        severity: 'warning' as const,
      };
    });
}

export type ParsedKnowledgeFile =
  | { kind: 'procedure'; procedure: Procedure }
  | { kind: 'town-hall'; townHall: TownHall }
  | { kind: 'out-of-scope'; redirects: OutOfScopeRedirect[]; refusals: RefusalWords }
  | { kind: 'life-events'; events: LifeEvent[]; abroadWords: Localized<string[]> }
  | { kind: 'ignored' };

/** One file's content, validated as the loader does (the procedure editor checks a draft with it). */
export function parseKnowledgeFile(content: string, file: string, problems: KnowledgeProblem[]): ParsedKnowledgeFile {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Passing options turns off gray-matter's cache, which would hand back a stale shared object.
    parsed = matter(content, {});
  } catch (error) {
    if (isYamlException(error)) {
      const line = error.mark ? error.mark.line + frontMatterFirstLine(content) : undefined;
      problems.push({ file, ...(line === undefined ? {} : { line }), message: `invalid YAML: ${error.reason ?? 'cannot parse'}`, severity: 'error' });
    } else {
      problems.push({ file, message: `cannot read front matter: ${(error as Error).message}`, severity: 'error' });
    }
    return { kind: 'ignored' };
  }
  const data = parsed.data as Record<string, unknown>;
  const isProcedure = file.split(path.sep)[0] === 'procedures' || (data.kind === undefined && 'slug' in data);
  if (!isProcedure && data.kind === undefined) {
    // Documentation such as knowledge/README.md has no front matter and is not content.
    if (Object.keys(data).length > 0) problems.push({ file, line: 1, message: 'front matter has no "kind" and is not under procedures/', severity: 'error' });
    return { kind: 'ignored' };
  }
  const firstLine = frontMatterFirstLine(content);
  const validate = <Output>(schema: ZodType<Output, ZodTypeDef, unknown>): Output | undefined => {
    const result = schema.safeParse(data);
    if (!result.success) {
      problems.push(...describeSchemaErrors(result.error, parsed.matter, firstLine, file));
      return undefined;
    }
    problems.push(...unknownKeyWarnings(data, schema, parsed.matter, firstLine, file));
    return result.data;
  };
  if (isProcedure) {
    const frontMatter = validate(procedureFrontMatterSchema);
    if (!frontMatter) return { kind: 'ignored' };
    const expectedSlug = path.basename(file, '.md');
    if (file.split(path.sep)[0] === 'procedures' && frontMatter.slug !== expectedSlug) {
      problems.push({
        file,
        line: (lineOfKeyPath(parsed.matter, ['slug']) ?? 1) + firstLine - 1,
        message: `slug: "${frontMatter.slug}" must equal the file name "${expectedSlug}"`,
        severity: 'error',
      });
      return { kind: 'ignored' };
    }
    return { kind: 'procedure', procedure: toProcedure(frontMatter, parsed.content.trim(), file) };
  }
  if (data.kind === 'town-hall') {
    const frontMatter = validate(townHallFrontMatterSchema);
    return frontMatter ? { kind: 'town-hall', townHall: toTownHall(frontMatter) } : { kind: 'ignored' };
  }
  if (data.kind === 'out-of-scope') {
    const frontMatter = validate(outOfScopeFrontMatterSchema);
    return frontMatter ? { kind: 'out-of-scope', redirects: toOutOfScopeRedirects(frontMatter), refusals: toRefusalWords(frontMatter) } : { kind: 'ignored' };
  }
  if (data.kind === 'life-events') {
    const frontMatter = validate(lifeEventsFrontMatterSchema);
    return frontMatter ? { kind: 'life-events', ...toLifeEvents(frontMatter) } : { kind: 'ignored' };
  }
  problems.push({
    file,
    line: (lineOfKeyPath(parsed.matter, ['kind']) ?? 1) + firstLine - 1,
    message: `kind: unknown kind ${JSON.stringify(data.kind)}`,
    severity: 'error',
  });
  return { kind: 'ignored' };
}

/** Loads knowledge/**\/*.md. A broken file is reported in `problems` and skipped; the rest still loads. */
export async function loadKnowledge(knowledgeDirectory: string): Promise<LoadedKnowledge> {
  const procedures: Procedure[] = [];
  const outOfScope: OutOfScopeRedirect[] = [];
  const lifeEvents: LifeEvent[] = [];
  const abroadWords: Localized<string[]> = { ro: [], hu: [], en: [] };
  const refusals: RefusalWords = {
    chitchat: { ro: [], hu: [], en: [] },
    manipulation: { ro: [], hu: [], en: [] },
    chitchatPhrases: { ro: [], hu: [], en: [] },
    manipulationPhrases: { ro: [], hu: [], en: [] },
    demandPhrases: { ro: [], hu: [], en: [] },
  };
  const problems: KnowledgeProblem[] = [];
  let townHall: TownHall | undefined;
  const files = await listMarkdownFiles(knowledgeDirectory);
  for (const absolutePath of files) {
    const file = path.relative(knowledgeDirectory, absolutePath);
    if (path.basename(file).toLowerCase() === 'readme.md') continue;
    // Hidden paths are not content: .unpublished/ (procedures taken down in the editor), editors' temporary files.
    if (file.split(path.sep).some((segment) => segment.startsWith('.'))) continue;
    const content = await fs.readFile(absolutePath, 'utf8');
    const parsed = parseKnowledgeFile(content, file, problems);
    if (parsed.kind === 'procedure') {
      const duplicate = procedures.find((procedure) => procedure.slug === parsed.procedure.slug);
      if (duplicate) {
        problems.push({ file, message: `slug: "${parsed.procedure.slug}" is already used by ${duplicate.file}`, severity: 'error' });
      } else {
        procedures.push(parsed.procedure);
      }
    } else if (parsed.kind === 'town-hall') {
      if (townHall) problems.push({ file, message: 'a second town-hall file, ignored', severity: 'error' });
      else townHall = parsed.townHall;
    } else if (parsed.kind === 'out-of-scope') {
      outOfScope.push(...parsed.redirects);
      for (const list of ['chitchat', 'manipulation', 'chitchatPhrases', 'manipulationPhrases', 'demandPhrases'] as const) {
        for (const language of languages) refusals[list][language].push(...parsed.refusals[list][language]);
      }
    } else if (parsed.kind === 'life-events') {
      lifeEvents.push(...parsed.events);
      for (const language of languages) abroadWords[language].push(...parsed.abroadWords[language]);
    }
  }
  // An event pointing at a procedure that does not exist would send citizens nowhere.
  const slugs = new Set(procedures.map((procedure) => procedure.slug));
  for (const event of lifeEvents) {
    const unknown = event.procedures.filter((slug) => !slugs.has(slug));
    if (unknown.length > 0) problems.push({ file: 'life-events.md', message: `${event.id}: unknown procedure ${unknown.join(', ')}, ignored`, severity: 'warning' });
    event.procedures = event.procedures.filter((slug) => slugs.has(slug));
    if (event.abroad && !lifeEvents.some((other) => other.id === event.abroad)) {
      problems.push({ file: 'life-events.md', message: `${event.id}: abroad names an unknown event ${event.abroad}, ignored`, severity: 'warning' });
      delete event.abroad;
    }
    const unknownFollowed = (event.follows ?? []).filter((id) => !lifeEvents.some((other) => other.id === id));
    if (unknownFollowed.length > 0) {
      problems.push({ file: 'life-events.md', message: `${event.id}: follows an unknown event ${unknownFollowed.join(', ')}, ignored`, severity: 'warning' });
      event.follows = (event.follows ?? []).filter((id) => !unknownFollowed.includes(id));
    }
  }
  if (!townHall) problems.push({ file: 'town-hall.md', message: 'no town-hall file: contacts and hours are unknown', severity: 'warning' });
  const examples = await loadExampleQuestions(knowledgeDirectory, new Set(procedures.map((procedure) => procedure.slug)), problems);
  return { procedures, townHall, outOfScope, lifeEvents: lifeEvents.filter((event) => event.procedures.length > 0), abroadWords, refusals, examples, problems };
}

/** The example questions, if the file exists; a line naming a procedure that does not exist is ignored. */
async function loadExampleQuestions(knowledgeDirectory: string, slugs: ReadonlySet<string>, problems: KnowledgeProblem[]): Promise<ExampleQuestion[]> {
  let content: string;
  try {
    content = await fs.readFile(path.join(knowledgeDirectory, exampleQuestionsFile), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = parseExampleQuestions(content);
  for (const problem of parsed.problems) problems.push({ file: exampleQuestionsFile, line: problem.line, message: `${problem.message}, ignored`, severity: 'warning' });
  const known = (answer: string) => answer === townHallAnswer || slugs.has(answer);
  const examples: ExampleQuestion[] = [];
  for (const example of parsed.examples) {
    const unknown = example.expected.filter((answer) => !known(answer));
    if (unknown.length === 0) examples.push(example);
  }
  const skipped = parsed.examples.length - examples.length;
  if (skipped > 0) problems.push({ file: exampleQuestionsFile, message: `${skipped} example question(s) name an unknown procedure, ignored`, severity: 'warning' });
  return examples;
}

export function formatProblem(problem: KnowledgeProblem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}${problem.severity === 'error' ? ' (file skipped)' : ''}`;
}
