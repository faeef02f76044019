import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { copyKnowledge, knowledgeFixtures, realKnowledgeDirectory } from '../helpers/chroma.ts';

describe('loading knowledge/', () => {
  it('reports a file with broken YAML by path and line, skips it, and still loads the rest', async () => {
    const loaded = await loadKnowledge(path.join(knowledgeFixtures, 'broken-knowledge'));

    expect(loaded.procedures.map((procedure) => procedure.slug)).toEqual(['certificat-urbanism']);
    expect(loaded.townHall?.email).toBe('test@example.org');
    const yamlProblem = loaded.problems.find((problem) => problem.file === path.join('procedures', 'bad-yaml.md'));
    expect(yamlProblem).toMatchObject({ line: 6, severity: 'error' });
    expect(yamlProblem?.message).toMatch(/invalid YAML/);
  });

  it('reports schema errors with the key path and the line of that key', async () => {
    const loaded = await loadKnowledge(path.join(knowledgeFixtures, 'broken-knowledge'));
    const schemaProblems = loaded.problems.filter((problem) => problem.file === path.join('procedures', 'bad-schema.md'));

    expect(schemaProblems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 4, message: expect.stringMatching(/^department: /) }),
        expect.objectContaining({ line: 8, message: expect.stringMatching(/^deadline\.days: /) }),
      ]),
    );
    expect(loaded.procedures.some((procedure) => procedure.slug === 'bad-schema')).toBe(false);
  });

  it('maps front matter to the contract types, accepting dates written with or without quotes', async () => {
    const loaded = await loadKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    const permit = loaded.procedures.find((procedure) => procedure.slug === 'autorizatie-construire');
    const certificate = loaded.procedures.find((procedure) => procedure.slug === 'certificat-urbanism');

    expect(loaded.problems).toEqual([]);
    expect(permit).toMatchObject({
      requestType: 'cerere',
      deadline: { days: 30, workingDays: false },
      online: 'https://www.ghiseul.ro',
      updated: '2026-11-26',
      toConfirm: ['Formularul folosit.'],
      file: path.join('procedures', 'autorizatie-construire.md'),
    });
    expect(certificate?.updated).toBe('2026-11-26');
    expect(certificate?.toConfirm).toEqual([]);
    expect(permit?.body).toContain('## Acte necesare');
    expect(loaded.outOfScope.map((redirect) => redirect.id)).toEqual(['passport']);
    expect(loaded.townHall?.hours).toEqual([
      { days: [1, 2, 3, 4], open: '08:00', close: '16:00' },
      { days: [5], open: '08:00', close: '14:00' },
    ]);
  });

  it('refuses a procedure whose slug differs from its file name, and warns about unknown keys', async () => {
    const directory = copyKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    const file = path.join(directory, 'procedures', 'certificat-urbanism.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('slug: certificat-urbanism', 'slug: certificat-urbanism\nnotes: "extra"'));
    fs.copyFileSync(file, path.join(directory, 'procedures', 'renamed.md'));
    try {
      const loaded = await loadKnowledge(directory);
      expect(loaded.procedures.map((procedure) => procedure.slug).sort()).toEqual(['autorizatie-construire', 'certificat-urbanism']);
      expect(loaded.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ file: path.join('procedures', 'renamed.md'), line: 2, severity: 'error', message: expect.stringMatching(/must equal the file name/) }),
          expect.objectContaining({ file: path.join('procedures', 'certificat-urbanism.md'), line: 3, severity: 'warning', message: 'notes: unknown key, ignored' }),
        ]),
      );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reads the optional example questions per language; a language left out is an empty list', async () => {
    const directory = copyKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    const file = path.join(directory, 'procedures', 'certificat-urbanism.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^updated:/m, 'examples:\n  ro: ["Ce acte trebuie pentru certificatul de urbanism?"]\n  hu: ["Mi kell a bizonyítványhoz?"]\nupdated:'));
    try {
      const loaded = await loadKnowledge(directory);
      expect(loaded.problems).toEqual([]);
      expect(loaded.procedures.find((procedure) => procedure.slug === 'certificat-urbanism')?.examples).toEqual({ ro: ['Ce acte trebuie pentru certificatul de urbanism?'], hu: ['Mi kell a bizonyítványhoz?'], en: [] });
      expect(loaded.procedures.find((procedure) => procedure.slug === 'autorizatie-construire')?.examples).toBeUndefined();
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('loads the real knowledge base without errors', async () => {
    const loaded = await loadKnowledge(realKnowledgeDirectory);
    expect(loaded.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    expect(loaded.procedures.length).toBeGreaterThanOrEqual(25);
    expect(loaded.townHall).toBeDefined();
    expect(loaded.outOfScope.map((redirect) => redirect.id)).toContain('passport');
  });

  it('loads the life events, town-hall topics, villages and refusal words a clerk can edit', async () => {
    const loaded = await loadKnowledge(realKnowledgeDirectory);
    expect(loaded.problems).toEqual([]);
    const slugs = new Set(loaded.procedures.map((procedure) => procedure.slug));
    expect(loaded.lifeEvents.length).toBeGreaterThanOrEqual(25);
    for (const event of loaded.lifeEvents) {
      expect(event.procedures.every((slug) => slugs.has(slug)), event.id).toBe(true);
      for (const language of ['ro', 'hu', 'en'] as const) expect(event.keywords[language].length, `${event.id} ${language}`).toBeGreaterThan(0);
    }
    expect(loaded.townHall?.topics.map((topic) => topic.id).sort()).toEqual(['address', 'audience', 'contact', 'departments', 'hours', 'languages', 'payment', 'villages']);
    expect(loaded.abroadWords.hu).toContain('külföldön');
    expect(loaded.lifeEvents.find((event) => event.id === 'birth')?.abroad).toBe('birth-abroad');
    expect(loaded.townHall?.villages).toHaveLength(6);
    expect(loaded.refusals.chitchat.ro.length).toBeGreaterThan(5);
    expect(loaded.refusals.manipulation.en.length).toBeGreaterThan(5);
  });

  it('drops a life event pointing at a procedure that does not exist, with a warning naming it', async () => {
    const directory = copyKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    fs.writeFileSync(
      path.join(directory, 'life-events.md'),
      [
        '---',
        'kind: life-events',
        'events:',
        '  - id: new-roof',
        '    title: { ro: "Acoperiș nou", hu: "Új tető", en: "A new roof" }',
        '    procedures: [no-such-procedure]',
        '    keywords: { ro: ["acoperis nou"], hu: ["uj teto"], en: ["new roof"] }',
        '---',
        '',
      ].join('\n'),
    );
    const loaded = await loadKnowledge(directory);
    expect(loaded.lifeEvents).toEqual([]);
    expect(loaded.problems).toContainEqual(expect.objectContaining({ file: 'life-events.md', severity: 'warning', message: expect.stringContaining('no-such-procedure') }));
  });
});
