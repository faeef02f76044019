import fs from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { toTownHall, townHallFrontMatterSchema } from '../knowledge/procedure-schema.ts';

// The receipt's header comes from knowledge/town-hall.md. The server has it loaded already; a channel
// adapter or the CLI reads just that file, without loading and indexing the whole knowledge base.

export function readTownHall(knowledgeDirectory: string): TownHall | undefined {
  try {
    const content = fs.readFileSync(path.join(knowledgeDirectory, 'town-hall.md'), 'utf8');
    const parsed = townHallFrontMatterSchema.safeParse(matter(content, {}).data);
    return parsed.success ? toTownHall(parsed.data) : undefined;
  } catch {
    return undefined;
  }
}
