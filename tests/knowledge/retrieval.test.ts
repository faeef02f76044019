import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeBase, type KnowledgeBaseService } from '../../src/knowledge/create-knowledge-base.ts';
import { knowledgeConfig, recordingLogger, temporaryDataDirectory } from '../helpers/chroma.ts';

describe('retrieval on the real knowledge base, with a supervised local Chroma', () => {
  let knowledgeBase: KnowledgeBaseService;
  let dataDirectory: string;

  beforeAll(async () => {
    dataDirectory = temporaryDataDirectory();
    knowledgeBase = await createKnowledgeBase({ config: knowledgeConfig({ dataDirectory }), logger: recordingLogger() });
  });

  afterAll(async () => {
    await knowledgeBase.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('is ready, with the vectors built by the offline embedding', async () => {
    expect(knowledgeBase.readiness()).toEqual({ ready: true });
    expect(knowledgeBase.embeddingName()).toBe('offline-hash-v1');
    expect(await knowledgeBase.synchronize()).toMatchObject({ added: 0, updated: 0, deleted: 0 });
  });

  it('a citizen typing without diacritics asks what papers a building permit needs', async () => {
    const retrieval = await knowledgeBase.retrieveDetailed('ce acte imi trebuie pentru autorizatie de construire', 'ro');

    expect(retrieval.diagnostics.vectorUnavailable).toBeUndefined();
    expect(retrieval.decision).toBe('answer');
    expect(retrieval.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
    expect(retrieval.candidates[0]?.score).toBeGreaterThan(0.5);
    expect(retrieval.candidates[0]?.sections).toContain('Acte necesare');
    expect(retrieval.candidates[0]?.excerpts.length).toBeGreaterThan(0);
    const scores = retrieval.candidates.map((candidate) => candidate.score);
    expect(scores).toEqual([...scores].sort((left, right) => right - left));
    expect(scores.every((score) => score >= 0 && score <= 1)).toBe(true);
  });

  it('a Hungarian speaker asks the same', async () => {
    const retrieval = await knowledgeBase.retrieve('Mit kell vinni az építési engedélyhez?', 'hu');
    expect(retrieval.decision).not.toBe('out_of_scope');
    expect(retrieval.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
  });

  it('small talk is out of scope, without a redirect', async () => {
    for (const question of ['cat e ceasul in Tokyo', 'ce vreme e maine']) {
      const retrieval = await knowledgeBase.retrieve(question, 'ro');
      expect(retrieval, question).toMatchObject({ decision: 'out_of_scope', candidates: [] });
      expect(retrieval.redirect, question).toBeUndefined();
    }
  });

  it('a passport question is redirected to the passport service', async () => {
    const retrieval = await knowledgeBase.retrieve('unde fac pasaport', 'ro');
    expect(retrieval.decision).toBe('out_of_scope');
    expect(retrieval.redirect?.id).toBe('passport');
    expect(retrieval.redirect?.authority.ro).toMatch(/Pașapoarte/);
  });

  it('building a house is a life event of two steps: the certificate and the permit are both answered', async () => {
    const retrieval = await knowledgeBase.retrieve('vreau sa construiesc o casa', 'ro');
    expect(retrieval.decision).toBe('answer');
    expect([retrieval.candidates[0]?.procedure.slug, retrieval.secondary?.procedure.slug].sort()).toEqual(['autorizatie-construire', 'certificat-urbanism']);
  });

  it('a life event told in words no procedure uses puts its procedure first, instead of a question among unrelated ones', async () => {
    const retrieval = await knowledgeBase.retrieve('I lost my job and we can barely afford food for the kids.', 'en');
    expect(retrieval.decision).toBe('answer');
    expect(retrieval.candidates[0]?.procedure.slug).toBe('venit-minim-incluziune');
  });

  it('an event told in a phrase outranks one word naming another procedure: a marriage in England is a transcription', async () => {
    const retrieval = await knowledgeBase.retrieve('Ne-am căsătorit în Anglia acum un an. Trebuie să facem ceva ca să fie valabilă căsătoria și aici?', 'ro');
    expect(retrieval.candidates[0]?.procedure.slug).toBe('transcriere-acte-straine');
  });

  it('selling a house starts with the fiscal certificate for the notary; buying one with the tax declaration', async () => {
    expect((await knowledgeBase.retrieve("We're selling our house in Chendu next month.", 'en')).candidates[0]?.procedure.slug).toBe('certificat-atestare-fiscala');
    expect((await knowledgeBase.retrieve('Am cumpărat o casă în Chendu, ce fac la primărie?', 'ro')).candidates[0]?.procedure.slug).toBe('declarare-cladire-teren');
  });

  it('a CNP, a phone number or an e-mail address in a message changes nothing of what it is about', async () => {
    for (const question of ['Imi puteti recomanda un avocat bun?', 'vreau certificat de urbanism pentru o anexa']) {
      const bare = await knowledgeBase.retrieve(question, 'ro');
      const withData = await knowledgeBase.retrieve(`${question} CNP 1850101264052, tel 0740 123 456, e-mail ion@example.com`, 'ro');
      expect(withData.decision, question).toBe(bare.decision);
      expect(withData.candidates.map((candidate) => candidate.procedure.slug), question).toEqual(bare.candidates.map((candidate) => candidate.procedure.slug));
    }
  });

  it('a vague word that fits several procedures asks which one is meant, with the likeliest as choices', async () => {
    const retrieval = await knowledgeBase.retrieve('certificat', 'ro');
    expect(retrieval.decision).toBe('clarify');
    expect(retrieval.candidates.length).toBeGreaterThanOrEqual(2);
  });

  it('lexical scoring alone finds a misspelled procedure', async () => {
    const retrieval = await knowledgeBase.retrieveDetailed('certifcat de urbanism cat costa', 'ro', { mode: 'lexical' });
    expect(retrieval.candidates[0]?.procedure.slug).toBe('certificat-urbanism');
  });
});
