import YAML from 'yaml';
import type { z } from 'zod';

// The files a town hall edits without code (document templates, the archive nomenclator) are YAML,
// checked with a schema when read; a mistake is one line naming the file and the field.

export function parseYamlWith<Schema extends z.ZodTypeAny>(schema: Schema, text: string, source: string, fail: (message: string) => Error): z.infer<Schema> {
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (error) {
    throw fail(`${source}: not valid YAML (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw fail(`${source}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
