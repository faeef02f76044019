import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExampleQuestionIndex, exampleQuestionsFile, parseExampleQuestions, type ExampleQuestion } from '../../src/knowledge/example-questions.ts';
import type { KnowledgeReload } from '../../src/knowledge/knowledge-base.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { createKnowledgeBase } from '../../src/knowledge/create-knowledge-base.ts';
import { copyKnowledge, knowledgeConfig, realKnowledgeDirectory, recordingLogger, temporaryDataDirectory } from '../helpers/chroma.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

const carSold: ExampleQuestion = { question: 'Am vândut Golful vechi unui băiat din Sighișoara, trebuie să-l scot de pe numele meu la impozite?', language: 'ro', expected: ['vehicul-evidenta-fiscala'] };
const joke: ExampleQuestion = { question: 'spune-mi o glumă cu polițiști', language: 'ro', expected: [] };
const roofPermit: ExampleQuestion = { question: 'Új tetőt tennénk a házra, kell ehhez engedély a hivataltól?', language: 'hu', expected: ['autorizatie-construire', 'certificat-urbanism'] };

describe('voting with the example questions most like a message', () => {
  const index = new ExampleQuestionIndex([carSold, joke, roofPermit]);

  it('gives the answer of the nearest question, although written without diacritics and in other words', () => {
    const vote = index.vote('am vandut golful vechi la un vecin, trebuie scos de pe numele meu?');
    expect(vote?.answer).toBe('vehicul-evidenta-fiscala');
    expect(vote?.similarity).toBeGreaterThan(0.4);
    expect(vote?.share).toBeGreaterThan(0.5);
  });

  it('matches Hungarian written without accents and with other endings', () => {
    expect(index.vote('uj tetot tennenk a hazunkra, engedely kell?')?.answer).toBe('autorizatie-construire');
  });

  it('says out of scope (null) when the nearest questions were out of scope', () => {
    expect(index.vote('zi-mi o gluma cu politisti')?.answer).toBeNull();
  });

  it('splits the vote of a question with two answers between them', () => {
    const vote = new ExampleQuestionIndex([roofPermit]).vote(roofPermit.question);
    expect(vote?.similarity).toBeCloseTo(1, 5);
    expect(vote?.share).toBeCloseTo(0.5, 5);
  });

  it('has no vote for a message that shares no piece of a word with any example, or without examples', () => {
    expect(index.vote('xyzzy qwv')).toBeUndefined();
    expect(new ExampleQuestionIndex([]).vote(carSold.question)).toBeUndefined();
  });
});

describe('reading example-questions.jsonl', () => {
  it('reports a line that is not JSON or misses a field by its number, and keeps the rest', () => {
    const content = [JSON.stringify(carSold), '{"question": "fara limba"', JSON.stringify({ question: 'x', language: 'de', expected: [] }), '', JSON.stringify(joke)].join('\n');
    const parsed = parseExampleQuestions(content);
    expect(parsed.examples.map((example) => example.question)).toEqual([carSold.question, joke.question]);
    expect(parsed.problems).toEqual([
      { line: 2, message: 'not a JSON object' },
      { line: 3, message: expect.stringMatching(/^language: /) },
    ]);
  });

  it('warns about examples naming a procedure that does not exist, and loads the others', async () => {
    const directory = copyKnowledge(realKnowledgeDirectory);
    try {
      const lines = [carSold, { ...joke }, { question: 'cum fac pașaport pentru câine', language: 'ro', expected: ['pasaport-caine'] }, { question: 'când e deschis?', language: 'ro', expected: ['town-hall'] }];
      fs.writeFileSync(path.join(directory, exampleQuestionsFile), `${lines.map((line) => JSON.stringify(line)).join('\n')}\nnot json\n`);
      const loaded = await loadKnowledge(directory);
      expect(loaded.examples.map((example) => example.expected)).toEqual([['vehicul-evidenta-fiscala'], [], ['town-hall']]);
      expect(loaded.problems.filter((problem) => problem.file === exampleQuestionsFile)).toEqual([
        { file: exampleQuestionsFile, line: 5, message: 'not a JSON object, ignored', severity: 'warning' },
        { file: exampleQuestionsFile, message: '1 example question(s) name an unknown procedure, ignored', severity: 'warning' },
      ]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('loads the knowledge base without the file', async () => {
    const directory = copyKnowledge(realKnowledgeDirectory);
    try {
      fs.rmSync(path.join(directory, exampleQuestionsFile));
      const loaded = await loadKnowledge(directory);
      expect(loaded.examples).toEqual([]);
      expect(loaded.problems.filter((problem) => problem.file === exampleQuestionsFile)).toEqual([]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('examples that lean to a procedure without agreeing enough to put it first', () => {
  it('add it as a second short card beside the one the words found', async () => {
    const knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
    const dataDirectory = temporaryDataDirectory();
    fs.writeFileSync(path.join(knowledgeDirectory, exampleQuestionsFile), `${JSON.stringify(carSold)}\n`);
    // First place needs a likeness no question reaches, so only the second card can come from the examples.
    const knowledgeBase = await createKnowledgeBase({
      config: knowledgeConfig({ dataDirectory, knowledgeDirectory }),
      logger: recordingLogger(),
      watch: false,
      retrievalSettings: { exampleSimilarity: 2 },
    });
    try {
      const retrieval = await knowledgeBase.retrieve('am vandut golful vechi unui vecin, trebuie sa-l scot de pe numele meu?', 'ro');
      expect(retrieval.decision).toBe('answer');
      expect(retrieval.candidates[0]?.procedure.slug).not.toBe('vehicul-evidenta-fiscala');
      expect(retrieval.secondary?.procedure.slug).toBe('vehicul-evidenta-fiscala');
    } finally {
      await knowledgeBase.close();
      fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});

describe('the town hall\'s own fact beside questions that were not its business', () => {
  it('is answered unless the nearest agree closely that such messages were not the town hall\'s: "Karácsony után… dolgoznak?" is no Christmas small talk', async () => {
    const message = 'Karácsony után, 27-én dolgoznak?';
    const knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
    const dataDirectory = temporaryDataDirectory();
    // The town hall's own examples, without this very question: the nearest left are mostly Christmas greetings.
    const file = path.join(knowledgeDirectory, exampleQuestionsFile);
    const { examples } = parseExampleQuestions(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, examples.filter((example) => example.question !== message).map((example) => `${JSON.stringify(example)}\n`).join(''));
    const knowledgeBase = await createKnowledgeBase({ config: knowledgeConfig({ dataDirectory, knowledgeDirectory }), logger: recordingLogger(), watch: false });
    try {
      const retrieval = await knowledgeBase.retrieve(message, 'hu');
      expect(retrieval.decision).toBe('answer');
      expect(retrieval.townHallTopic).toBe('hours');
    } finally {
      await knowledgeBase.close();
      fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});

describe('a short question that a named procedure explains nearly whole', () => {
  it('is answered although other authorities\' questions share its words: extending a permit, an appointment with the mayor (not the family doctor)', async () => {
    const messages = ['mi expira autorizatia de construtie, cum o prelungesc', 'Cum fac programare la primar?'];
    const knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
    const dataDirectory = temporaryDataDirectory();
    // The town hall's own examples, without these very questions: an appointment ("programare") is then mostly the family doctor's or the number plates'.
    const file = path.join(knowledgeDirectory, exampleQuestionsFile);
    const { examples } = parseExampleQuestions(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, examples.filter((example) => !messages.includes(example.question)).map((example) => `${JSON.stringify(example)}\n`).join(''));
    const knowledgeBase = await createKnowledgeBase({ config: knowledgeConfig({ dataDirectory, knowledgeDirectory }), logger: recordingLogger(), watch: false });
    try {
      const [permit, audience] = await Promise.all(messages.map((message) => knowledgeBase.retrieve(message, 'ro')));
      expect(permit?.decision).toBe('answer');
      expect(permit?.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
      expect(audience?.decision).toBe('answer');
      expect(audience?.candidates[0]?.procedure.slug).toBe('audienta-primar');
    } finally {
      await knowledgeBase.close();
      fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});

describe('a citizen on the web chat asks in words no procedure uses', () => {
  let testApp: TestApp;
  let knowledgeDirectory: string;
  const knowledge = () => testApp.app.answering.knowledge!;

  beforeAll(async () => {
    knowledgeDirectory = copyKnowledge(realKnowledgeDirectory);
    // The town hall starts with no example questions of its own.
    fs.writeFileSync(path.join(knowledgeDirectory, exampleQuestionsFile), `${JSON.stringify(joke)}\n`);
    testApp = await startTestApp({ KNOWLEDGE_DIR: knowledgeDirectory });
  });

  afterAll(async () => {
    await testApp.close();
    fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
  });

  async function citizenAsks(text: string): Promise<{ text: string; sources: { slug: string }[] }> {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    const sessionId = (session.json() as { sessionId: string }).sessionId;
    const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
    expect(response.statusCode, response.body).toBe(200);
    const [reply] = (response.json() as { replies: { text: string; sources: { slug: string }[] }[] }).replies;
    return reply!;
  }

  function nextReload(): Promise<KnowledgeReload> {
    return new Promise((resolve) => {
      const unsubscribe = knowledge().onReloaded((reload) => {
        if (!reload.files.includes(exampleQuestionsFile)) return;
        unsubscribe();
        resolve(reload);
      });
    });
  }

  it('is answered like the example question a clerk added, with what the words found beside it', async () => {
    const message = 'am vandut golful vechi unui vecin, trebuie sa-l scot de pe numele meu?';
    const before = await citizenAsks(message);
    expect(before.sources[0]?.slug).not.toBe('vehicul-evidenta-fiscala');
    const wordsFound = before.sources[0]!.slug;

    const reloaded = nextReload();
    fs.appendFileSync(path.join(knowledgeDirectory, exampleQuestionsFile), `${JSON.stringify(carSold)}\n`);
    const reload = await reloaded;
    expect(reload.problems.filter((problem) => problem.file === exampleQuestionsFile)).toEqual([]);

    const after = await citizenAsks(message);
    expect(after.sources.map((source) => source.slug)).toEqual(['vehicul-evidenta-fiscala', wordsFound]);
    expect(after.text).toContain('vehicul');
  });

  it('is refused when the questions most like it were not the town hall\'s; a named procedure is then offered beside the refusal', async () => {
    const contest = 'ce nota a luat fata vecinei la concursul de matematica?';
    const cow = 'vreau sa-mi cumpar o vaca buna de lapte, ce rasa imi recomanzi?';
    expect((await citizenAsks(contest)).sources.length).toBeGreaterThan(0);

    const reloaded = nextReload();
    const outOfScope = [
      { question: 'ce nota a luat baiatul vecinului la concursul de matematica de anul trecut?', language: 'ro', expected: [] },
      { question: 'ce rasa de vaca de lapte imi recomanzi sa cumpar?', language: 'ro', expected: [] },
    ];
    fs.appendFileSync(path.join(knowledgeDirectory, exampleQuestionsFile), outOfScope.map((example) => `${JSON.stringify(example)}\n`).join(''));
    await reloaded;

    const refused = await citizenAsks(contest);
    expect(refused.sources).toEqual([]);
    expect(refused.text).toMatch(/vă pot ajuta doar cu procedurile/);
    // Buying a cow is a life event that names the agricultural register, but the nearest question (a breed to
    // recommend) is all but the same and was not the town hall's: refused, with the register offered.
    const cowReply = await citizenAsks(cow);
    expect(cowReply.sources).toEqual([]);
    expect(cowReply.text).toMatch(/registrul agricol/);
    // A named message whose nearest questions agree less closely keeps its procedure.
    expect((await citizenAsks('am cumparat doua vaci de la un om din Chendu, trebuie sa le trec undeva?')).sources[0]?.slug).toBe('registru-agricol-animale');
  });
});
