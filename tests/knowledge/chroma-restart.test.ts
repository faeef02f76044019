import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartbeat } from '../../src/knowledge/chroma-server.ts';
import { createKnowledgeBase, type KnowledgeBaseService } from '../../src/knowledge/create-knowledge-base.ts';
import { knowledgeConfig, recordingLogger, temporaryDataDirectory } from '../helpers/chroma.ts';
import { eventually } from '../helpers/test-app.ts';

/** Polls the supervisor's state (the condition itself, not a fixed time) until it holds. */
const waitFor = (condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) => eventually(async () => ((await condition()) ? true : undefined), timeoutMs);

describe('the supervised Chroma server', () => {
  let knowledgeBase: KnowledgeBaseService;
  let dataDirectory: string;
  const logger = recordingLogger();

  beforeAll(async () => {
    dataDirectory = temporaryDataDirectory();
    knowledgeBase = await createKnowledgeBase({ config: knowledgeConfig({ dataDirectory }), logger });
  });

  afterAll(async () => {
    await knowledgeBase.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('keeps answering while Chroma is killed, restarts it, and finds the data intact', async () => {
    const server = knowledgeBase.chromaServer()!;
    const firstPid = server.pid!;
    expect(knowledgeBase.readiness().ready).toBe(true);

    process.kill(firstPid, 'SIGKILL');
    await waitFor(() => server.state !== 'ready');
    expect(knowledgeBase.readiness()).toMatchObject({ ready: false, reason: expect.stringMatching(/Chroma/) });
    const whileDown = await knowledgeBase.retrieve('ce acte imi trebuie pentru autorizatie de construire', 'ro');
    expect(whileDown.candidates[0]?.procedure.slug).toBe('autorizatie-construire');

    await waitFor(() => knowledgeBase.readiness().ready);
    expect(server.pid).not.toBe(firstPid);
    const afterRestart = await knowledgeBase.retrieveDetailed('ce acte imi trebuie pentru autorizatie de construire', 'ro');
    expect(afterRestart.diagnostics.vectorUnavailable).toBeUndefined();
    expect(afterRestart.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
    // Same data directory: nothing had to be embedded again.
    expect(await knowledgeBase.synchronize()).toMatchObject({ added: 0, updated: 0, deleted: 0 });
    expect(logger.lines.some((line) => line.level === 'warn' && line.message === 'Chroma is down, restarting')).toBe(true);
  });

  it('keeps the banner out of stdout and logs the server output at debug level', () => {
    const debugLines = logger.lines.filter((line) => line.level === 'debug' && (line.context as { component?: string }).component === 'chroma');
    expect(debugLines.some((line) => line.message?.includes('Saving data to'))).toBe(true);
    expect(debugLines.every((line) => !line.message?.includes('\u001b['))).toBe(true);
  });

  it('stops the server on close', async () => {
    const url = knowledgeBase.chromaUrl();
    const pid = knowledgeBase.chromaServer()!.pid!;
    await knowledgeBase.close();
    expect(await heartbeat(url, 500)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('an external Chroma (CHROMA_URL) that is down', () => {
  it('leaves the knowledge base not ready but still answering from lexical scores', async () => {
    const dataDirectory = temporaryDataDirectory();
    const knowledgeBase = await createKnowledgeBase({
      config: knowledgeConfig({ dataDirectory, chromaUrl: 'http://127.0.0.1:9' }),
      logger: recordingLogger(),
    });
    try {
      expect(knowledgeBase.chromaServer()).toBeUndefined();
      expect(knowledgeBase.readiness()).toMatchObject({ ready: false, reason: expect.stringMatching(/Chroma is not reachable/) });
      const retrieval = await knowledgeBase.retrieveDetailed('Mit kell vinni az építési engedélyhez?', 'hu');
      expect(retrieval.diagnostics.vectorUnavailable).toBeDefined();
      expect(retrieval.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
    } finally {
      await knowledgeBase.close();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    }
  });
});
