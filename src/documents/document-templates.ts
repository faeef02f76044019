import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, NotFoundError } from '../errors.ts';
import { parseYamlWith } from './yaml-source.ts';

// The papers a town hall issues, one YAML file per document under knowledge/documents/ (edited by the
// town hall, read at each issue so an edit applies to the next document). See knowledge/documents/README.md.

export const templateDirectoryName = 'documents';

export class DocumentTemplateError extends AppError {
  constructor(message: string) {
    super('FV_ERR_DOCUMENT_TEMPLATE', message, 500);
  }
}

const templateSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(2),
    subtitle: z.string().optional(),
    title_hu: z.string().optional(),
    procedures: z.array(z.string()).default([]),
    archive_entry: z.string().optional(),
    body: z.string().default(''),
    closing: z.string().default(''),
    signatures: z.array(z.string()).default(['Primar', 'Secretar general']),
    paper_only: z.boolean().default(false),
    requires_presence: z.boolean().default(false),
    reason: z.string().optional(),
  })
  .refine((template) => !(template.paper_only || template.requires_presence) || template.reason, { message: 'paper_only / requires_presence need a "reason" told to the citizen' })
  .refine((template) => template.paper_only || template.requires_presence || template.body.trim() !== '', { message: 'an electronic document needs a body' });

export type DocumentTemplate = z.infer<typeof templateSchema> & { file: string };

export function parseTemplate(text: string, file: string): DocumentTemplate {
  const template = parseYamlWith(templateSchema, text, file, (message) => new DocumentTemplateError(message));
  if (template.slug !== path.basename(file, path.extname(file))) throw new DocumentTemplateError(`${file}: slug "${template.slug}" differs from the file name`);
  return { ...template, file: path.basename(file) };
}

export function listTemplates(knowledgeDirectory: string): DocumentTemplate[] {
  const directory = path.join(knowledgeDirectory, templateDirectoryName);
  let names: string[];
  try {
    names = fs.readdirSync(directory).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch {
    return [];
  }
  return names.map((name) => parseTemplate(fs.readFileSync(path.join(directory, name), 'utf8'), path.join(directory, name)));
}

/** The template a clerk named: by its slug, or by a procedure it is issued for. */
export function findTemplate(knowledgeDirectory: string, slugOrProcedure: string): DocumentTemplate | undefined {
  const templates = listTemplates(knowledgeDirectory);
  return templates.find((template) => template.slug === slugOrProcedure) ?? templates.find((template) => template.procedures.includes(slugOrProcedure));
}

export function requireTemplate(knowledgeDirectory: string, slugOrProcedure: string): DocumentTemplate {
  const template = findTemplate(knowledgeDirectory, slugOrProcedure);
  if (!template) throw new NotFoundError('FV_ERR_DOCUMENT_TEMPLATE_NOT_FOUND', `No document template "${slugOrProcedure}" in knowledge/${templateDirectoryName}/`);
  return template;
}

export function issuedElectronically(template: DocumentTemplate): boolean {
  return !template.paper_only && !template.requires_presence;
}

/** Shown where a value is missing, so a preview makes the gap plain. */
export const missingValue = '……';

/** Replaces {{name}} by its value; an unknown or empty one by a visible gap. A paragraph that is only an empty {{text}} goes. */
export function fillPlaceholders(text: string, values: Record<string, string | undefined>): string {
  return text
    .split(/\n{2,}/)
    .filter((paragraph) => !/^\s*\{\{\s*text\s*\}\}\s*$/.test(paragraph) || (values.text ?? '').trim() !== '')
    .join('\n\n')
    .replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_match, name: string) => {
      const value = values[name]?.trim();
      return value ? value : missingValue;
    })
    .trim();
}
