import type { Config } from '../config.ts';
import { createHostPool, type HostPoolLogger } from './host-pool.ts';
import type { LanguageModel } from './language-model.ts';
import { createOllamaLanguageModel, type LanguageModelLogger } from './ollama-provider.ts';

/** The configured Ollama: one host as it is, several as a pool (each host keeps its own concurrency limit). */
export function createLanguageModel(config: Config['ollama'], logger: LanguageModelLogger & HostPoolLogger): LanguageModel {
  if (config.hosts.length <= 1) return createOllamaLanguageModel(config, logger);
  return createHostPool(
    config.hosts.map((host) => ({ host, model: createOllamaLanguageModel({ ...config, host }, logger) })),
    logger,
  );
}
