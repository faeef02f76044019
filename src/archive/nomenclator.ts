import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseYamlWith } from '../documents/yaml-source.ts';
import { AppError } from '../errors.ts';

// The archive index (nomenclatorul arhivistic, Legea 16/1996 art. 10): every ticket and every issued
// document is filed under one entry, which says for how long it is kept. The town hall edits
// knowledge/archive-nomenclator.yaml; this module reads and checks it.

export const nomenclatorFileName = 'archive-nomenclator.yaml';

export class NomenclatorError extends AppError {
  constructor(message: string) {
    super('FV_ERR_ARCHIVE_NOMENCLATOR', message, 500);
  }
}

const entrySchema = z.object({
  id: z.string().regex(/^[A-Z0-9]+(-[A-Za-z0-9]+)*$/, 'an index like "III-4"'),
  name: z.string().min(3),
  retention: z.union([z.literal('permanent'), z.number().int().min(1).max(100)]),
  departments: z.array(z.string()).default([]),
  procedures: z.array(z.string()).default([]),
  default: z.boolean().default(false),
});

const fileSchema = z.object({ entries: z.array(entrySchema).min(1) });

export type ArchiveEntry = z.infer<typeof entrySchema>;

export interface Nomenclator {
  entries: ArchiveEntry[];
  /** Where a ticket or document of no listed procedure or department goes. */
  fallback: ArchiveEntry;
}

export function parseNomenclator(text: string, source = nomenclatorFileName): Nomenclator {
  const { entries } = parseYamlWith(fileSchema, text, source, (message) => new NomenclatorError(message));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new NomenclatorError(`${source}: the index ${entry.id} appears twice`);
    seen.add(entry.id);
  }
  for (const key of ['procedures', 'departments'] as const) {
    const owners = new Map<string, string>();
    for (const entry of entries) {
      for (const value of entry[key]) {
        const earlier = owners.get(value);
        // A procedure filed under two entries would make the archive ambiguous; a department may head several.
        if (earlier && key === 'procedures') throw new NomenclatorError(`${source}: procedure ${value} is under both ${earlier} and ${entry.id}`);
        if (!earlier) owners.set(value, entry.id);
      }
    }
  }
  const defaults = entries.filter((entry) => entry.default);
  if (defaults.length !== 1) throw new NomenclatorError(`${source}: exactly one entry must have "default: true" (found ${defaults.length})`);
  return { entries, fallback: defaults[0] as ArchiveEntry };
}

export function loadNomenclator(knowledgeDirectory: string): Nomenclator {
  const file = path.join(knowledgeDirectory, nomenclatorFileName);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new NomenclatorError(`${file}: cannot be read (${(error as Error).message})`);
  }
  return parseNomenclator(text, file);
}

/** The entry for a record: by its procedure first, then by its department, else the default one. */
export function archiveEntryFor(nomenclator: Nomenclator, record: { procedureSlug?: string | null; department?: string | null }): ArchiveEntry {
  const { procedureSlug, department } = record;
  return (
    (procedureSlug ? nomenclator.entries.find((entry) => entry.procedures.includes(procedureSlug)) : undefined) ??
    (department ? nomenclator.entries.find((entry) => entry.departments.includes(department)) : undefined) ??
    nomenclator.fallback
  );
}

export function findArchiveEntry(nomenclator: Nomenclator, id: string | null | undefined): ArchiveEntry | undefined {
  return id ? nomenclator.entries.find((entry) => entry.id === id) : undefined;
}

export function retentionLabel(entry: ArchiveEntry): string {
  return entry.retention === 'permanent' ? 'permanent' : `${entry.retention} ani`;
}

/**
 * The first day a record of this entry may be disposed of (Legea 16/1996: the term runs from 1 January
 * of the year after the file was closed); undefined for permanent records, which are never disposed of.
 */
export function disposableFrom(entry: ArchiveEntry, closedYear: number): string | undefined {
  return entry.retention === 'permanent' ? undefined : `${closedYear + 1 + entry.retention}-01-01`;
}

// The nomenclator of the running installation, so that a ticket gets its entry where it is created
// without every caller passing the knowledge directory. Set when the server or the CLI starts.
let active: Nomenclator | undefined;

export function useNomenclator(nomenclator: Nomenclator | undefined): void {
  active = nomenclator;
}

/** The entry id for a new ticket, or null when no nomenclator is loaded (archive export files it later). */
export function archiveEntryIdForNewRecord(record: { procedureSlug?: string | null; department?: string | null }): string | null {
  return active ? archiveEntryFor(active, record).id : null;
}
