import cliProgress from 'cli-progress';
import type { IngestProgress, IngestProgressListener } from './ingest.ts';

// How `functionar ingest` shows progress: a bar in a terminal, plain lines in CI logs and pipes
// (a bar there would print a wall of carriage returns).

export interface ProgressReporter {
  onProgress: IngestProgressListener;
  /** Ends the bar, if one was drawn. */
  finish(): void;
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stdout): ProgressReporter {
  if (stream.isTTY) return barReporter(stream);
  return lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { stream, format: 'Embedding chunks [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(progress: IngestProgress) {
      if (progress.phase !== 'embedding' && progress.phase !== 'done') return;
      if (!started) {
        if (progress.total === 0) return;
        bar.start(progress.total, 0);
        started = true;
      }
      bar.update(progress.done);
    },
    finish() {
      if (started) bar.stop();
      started = false;
    },
  };
}

function lineReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let lastTenth = -1;
  return {
    onProgress(progress: IngestProgress) {
      if (progress.phase !== 'embedding' || progress.total === 0) return;
      // One line per tenth: enough to see it moving without flooding a log.
      const tenth = Math.floor((progress.done / progress.total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`Embedding chunks: ${progress.done}/${progress.total}\n`);
    },
    finish() {
      lastTenth = -1;
    },
  };
}
