import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { languages, type Language } from '../language.ts';

// Prompts live in files (prompts/<language>/<name>.md) so that wording changes are reviewed in git
// like code; each file carries a version so an answer can be traced to the prompt that produced it.

export const promptNames = ['answer', 'intent', 'source', 'correction'] as const;
export type PromptName = (typeof promptNames)[number];

/** The variables each prompt may use; a typo in a prompt file fails at start-up, not in front of a citizen. */
export const promptVariables: Record<PromptName, readonly string[]> = {
  answer: ['townHallName', 'sources', 'sourceCount'],
  intent: ['townHallName'],
  source: ['slug', 'title', 'officialTitle', 'documents', 'deadline', 'fee', 'where', 'online', 'legalBasis', 'excerpts'],
  correction: ['slug'],
};

export const defaultPromptsDirectory = fileURLToPath(new URL('../../prompts/', import.meta.url));

export class PromptTemplateError extends Error {
  readonly code = 'FV_ERR_PROMPT_TEMPLATE';
  constructor(message: string) {
    super(message);
    this.name = 'PromptTemplateError';
  }
}

export interface PromptTemplate {
  name: PromptName;
  language: Language;
  version: number;
  body: string;
  file: string;
}

export interface PromptLibrary {
  template(name: PromptName, language: Language): PromptTemplate;
  render(name: PromptName, language: Language, variables: Readonly<Record<string, string>>): string;
}

const variablePattern = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Replaces every `{{name}}` in one pass, so text inside a value (a citizen's words) is never expanded. */
export function fillTemplate(template: string, variables: Readonly<Record<string, string>>, where = 'template'): string {
  return template.replace(variablePattern, (_match, name: string) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined) throw new PromptTemplateError(`${where}: unknown variable {{${name}}}`);
    return value;
  });
}

export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(variablePattern)].map((match) => match[1] ?? ''))];
}

/** Front matter with at least `version: <positive integer>`, then the prompt text. */
export function parsePromptFile(text: string, file: string): { version: number; body: string } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const frontMatter = /^---\n([\s\S]*?)\n---\n?/.exec(normalized);
  if (!frontMatter) throw new PromptTemplateError(`${file}: must start with front matter (---, version: 1, ---)`);
  const versionLine = /^version:\s*(\S+)\s*$/m.exec(frontMatter[1] ?? '');
  const version = Number(versionLine?.[1]);
  if (!Number.isInteger(version) || version < 1) throw new PromptTemplateError(`${file}: front matter needs "version: <positive integer>"`);
  const body = normalized.slice(frontMatter[0].length).trim();
  if (body === '') throw new PromptTemplateError(`${file}: the prompt text is empty`);
  return { version, body };
}

export function createPromptLibrary(templates: PromptTemplate[]): PromptLibrary {
  const byKey = new Map(templates.map((template) => [`${template.language}/${template.name}`, template]));
  const problems: string[] = [];
  for (const language of languages) {
    for (const name of promptNames) {
      const template = byKey.get(`${language}/${name}`);
      if (!template) {
        problems.push(`${language}/${name}.md is missing`);
        continue;
      }
      const unknown = templateVariables(template.body).filter((variable) => !promptVariables[name].includes(variable));
      if (unknown.length > 0) problems.push(`${template.file}: unknown variable(s) ${unknown.map((variable) => `{{${variable}}}`).join(', ')}`);
    }
  }
  if (problems.length > 0) throw new PromptTemplateError(`Invalid prompts:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);

  const template = (name: PromptName, language: Language): PromptTemplate => {
    const found = byKey.get(`${language}/${name}`);
    if (!found) throw new PromptTemplateError(`no prompt ${language}/${name}`);
    return found;
  };
  return {
    template,
    render: (name, language, variables) => {
      const found = template(name, language);
      return fillTemplate(found.body, variables, found.file);
    },
  };
}

export async function loadPromptLibrary(directory: string = defaultPromptsDirectory): Promise<PromptLibrary> {
  const templates: PromptTemplate[] = [];
  const problems: string[] = [];
  for (const language of languages) {
    for (const name of promptNames) {
      const file = path.join(directory, language, `${name}.md`);
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch {
        problems.push(`${file} is missing`);
        continue;
      }
      try {
        templates.push({ name, language, file, ...parsePromptFile(text, file) });
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  if (problems.length > 0) throw new PromptTemplateError(`Invalid prompts:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return createPromptLibrary(templates);
}
