import { ollamaEmbedderIfInstalled } from '../answering.ts';
import type { Config } from '../config.ts';
import { runIngest } from '../knowledge/create-knowledge-base.ts';
import { formatProblem } from '../knowledge/knowledge-loader.ts';
import { createProgressReporter } from '../knowledge/ingest-progress.ts';
import { createLanguageModel } from '../llm/create-language-model.ts';
import { createLogger } from '../logger.ts';

/** `functionar ingest [--rebuild]`; returns the process exit code. */
export async function runIngestCommand(config: Config, rebuild: boolean): Promise<number> {
  const logger = createLogger('warn', process.stderr);
  const model = config.ollama.enabled ? createLanguageModel(config.ollama, logger) : undefined;
  const healthy = model ? (await model.health().catch(() => ({ ok: false }))).ok : false;
  const embedder = healthy ? await ollamaEmbedderIfInstalled(config, model, logger) : undefined;
  const progress = createProgressReporter(process.stdout);
  try {
    const result = await runIngest({ config, logger, rebuild, embedder, onProgress: progress.onProgress });
    progress.finish();
    for (const problem of result.problems) console.error(formatProblem(problem));
    const { counts } = result;
    console.log(
      `Ingested ${result.procedures} procedures (${result.chunks} chunks) with ${result.embedder} in ${result.durationMs} ms: ` +
        `${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.deleted} deleted, ${counts.skippedFiles} files skipped.`,
    );
    return result.problems.some((problem) => problem.severity === 'error') ? 1 : 0;
  } catch (error) {
    progress.finish();
    console.error(`Ingest failed: ${(error as Error).message}`);
    return 1;
  }
}
