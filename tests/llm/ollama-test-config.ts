import pino from 'pino';
import type { Config } from '../../src/config.ts';

export const silentLogger = pino({ level: 'silent' });

/** Short timeouts so that slow-model tests finish in well under a second. */
export function ollamaConfig(host: string, overrides: Partial<Config['ollama']> = {}): Config['ollama'] {
  return {
    enabled: true,
    host,
    hosts: [host],
    model: 'qwen2.5:3b-instruct',
    embedModel: 'bge-m3',
    timeoutMs: 2000,
    concurrency: 2,
    temperature: 0.2,
    contextLength: 4096,
    ...overrides,
  };
}
