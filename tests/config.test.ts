import { describe, expect, it } from 'vitest';
import { ConfigurationError, loadConfig } from '../src/config.ts';
import { runCli } from './helpers/cli.ts';
import { temporaryDirectory } from './helpers/temporary-directory.ts';

describe('configuration', () => {
  it('runs on the embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databasePath).toMatch(/data\/functionar\.db$/);
    expect(config.chroma.url).toBeUndefined();
    expect(config.chroma.collection).toBe('procedures');
    expect(config.ollama.host).toBe('http://127.0.0.1:11434');
  });

  it('names every problem on its own line', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', OLLAMA_HOST: 'not a url', TELEGRAM_BOT_TOKEN: '123:abc', CHROMA_COLLECTION: 'proceduri comuna' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems.some((problem) => problem.startsWith('PORT:'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('OLLAMA_HOST:'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('CHROMA_COLLECTION:'))).toBe(true);
  });

  it('asks for the Telegram webhook secret when a token is set in webhook mode', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'polling' }).telegram.mode).toBe('polling');
  });

  it('stops the CLI with one clear line per problem and exit code 78', async () => {
    const result = await runCli(['tickets', 'list'], { environment: { DATA_DIR: temporaryDirectory(), PORT: 'eighty', CHROMA_URL: 'nowhere' } });
    expect(result.status).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.startsWith('configuration: '))).toBe(true);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('CHROMA_URL');
  });
});
