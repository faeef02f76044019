import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { procedureToMarkdown } from '../../src/knowledge/knowledge-writer.ts';
import { copyKnowledge, realKnowledgeDirectory } from '../helpers/chroma.ts';

// The editor writes procedures back to knowledge/procedures/*.md: what it writes must load to exactly
// the procedure it was given, for every real file (written into a copy, never into the repository).

const copy = copyKnowledge(realKnowledgeDirectory);
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

describe('writing a procedure back to Markdown', () => {
  it('loads every procedure of knowledge/procedures, writes it, loads it again: the same procedure', async () => {
    const before = await loadKnowledge(copy);
    expect(before.procedures.length).toBeGreaterThanOrEqual(30);
    for (const procedure of before.procedures) fs.writeFileSync(path.join(copy, procedure.file), procedureToMarkdown(procedure));
    const after = await loadKnowledge(copy);
    expect(after.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(after.procedures).toEqual(before.procedures);
  });

  it('keeps the key order and the style of the hand-written files (quoted texts, one line per keyword list)', async () => {
    const { procedures } = await loadKnowledge(copy);
    const written = procedureToMarkdown(procedures.find((procedure) => procedure.slug === 'certificat-urbanism')!);
    const keys = written.split('\n').filter((line) => /^[a-z_]+:/.test(line)).map((line) => line.split(':')[0]);
    expect(keys).toEqual(['slug', 'title', 'department', 'request_type', 'legal_basis', 'deadline', 'documents', 'fee', 'where', 'online', 'keywords', 'updated', 'source', 'to_confirm']);
    expect(written).toMatch(/^ {2}ro: \["certificat de urbanism", /m);
    expect(written).toMatch(/^slug: certificat-urbanism$/m);
    expect(written).toMatch(/^---\n[\s\S]*\n---\n\n## Ce este\n/);
  });

  it('writes example questions after the keywords, one per line, and loads them back; no examples, no key', async () => {
    const { procedures } = await loadKnowledge(copy);
    const procedure = procedures.find((candidate) => candidate.slug === 'certificat-urbanism')!;
    expect(procedureToMarkdown(procedure)).not.toMatch(/^examples:/m);
    const examples = { ro: ['Ce acte îmi trebuie pentru certificatul de urbanism?', 'Cât durează: 30 de zile?'], hu: ['Mennyibe kerül a településrendezési bizonyítvány?'], en: [] };
    const written = procedureToMarkdown({ ...procedure, examples });
    const keys = written.split('\n').filter((line) => /^[a-z_]+:/.test(line)).map((line) => line.split(':')[0]);
    expect(keys.slice(keys.indexOf('keywords'), keys.indexOf('keywords') + 3)).toEqual(['keywords', 'examples', 'updated']);
    expect(written).toMatch(/^examples:\n {2}ro:\n {4}- "Ce acte îmi trebuie pentru certificatul de urbanism\?"\n/m);
    fs.writeFileSync(path.join(copy, procedure.file), written);
    const reloaded = (await loadKnowledge(copy)).procedures.find((candidate) => candidate.slug === procedure.slug);
    expect(reloaded?.examples).toEqual(examples);
    expect(reloaded).toEqual({ ...procedure, examples });
  });

  it('writes a text with quotes, a colon and a new hand-typed line safely', async () => {
    const { procedures } = await loadKnowledge(copy);
    const procedure = procedures[0]!;
    const edited = { ...procedure, fee: { ...procedure.fee, ro: 'Taxa: 15 lei, conform "HCL nr. 12/2026" #1' } };
    fs.writeFileSync(path.join(copy, procedure.file), procedureToMarkdown(edited));
    const reloaded = (await loadKnowledge(copy)).procedures.find((candidate) => candidate.slug === procedure.slug);
    expect(reloaded?.fee.ro).toBe('Taxa: 15 lei, conform "HCL nr. 12/2026" #1');
  });
});
