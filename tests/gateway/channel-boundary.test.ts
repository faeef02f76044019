import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Adapters translate and nothing else: what they must read or keep goes through src/gateway. This reads
// every source file under channels/ and lists the imports that would reach storage directly.

const channelsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../channels');
const storageImport = /(?:from|import)\s*\(?\s*['"]([^'"]*(?:src\/database\/|drizzle-orm|outbox-store|conversation-store)[^'"]*)['"]/g;

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(full);
    return /\.(?:ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe('channel adapters and storage', () => {
  it('no file under channels/ imports src/database, drizzle-orm, the outbox store or the conversation store', () => {
    const files = sourceFiles(channelsDirectory);
    expect(files.length).toBeGreaterThan(30);
    const leaks = files.flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(storageImport)].map((match) => `${path.relative(channelsDirectory, file)}: ${match[1]}`),
    );
    expect(leaks).toEqual([]);
  });

  it('the pattern it looks for does catch such an import', () => {
    const sample = "import { and, eq } from 'drizzle-orm';\nimport type { Database } from '../../src/database/connection.ts';\nimport { enqueue } from '../../src/outbox/outbox-store.ts';";
    expect([...sample.matchAll(storageImport)].map((match) => match[1])).toEqual(['drizzle-orm', '../../src/database/connection.ts', '../../src/outbox/outbox-store.ts']);
  });
});
