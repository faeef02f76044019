import fs from 'node:fs';
import path from 'node:path';
import { exampleQuestionsFile } from './example-questions.ts';

// Watches KNOWLEDGE_DIR for Markdown files (and the example questions) changed by hand on the server, so the running bot answers
// with the new text without a restart. Editors save in bursts (temporary file, rename, several writes):
// changes are gathered for a short quiet period and reported once, with every file that changed.

export interface KnowledgeWatcher {
  close(): void;
}

export interface WatchKnowledgeOptions {
  directory: string;
  /** Called once per burst with the changed Markdown files, relative to the directory. */
  onChange(files: string[]): void;
  /** Quiet time after the last change before reporting; editors write a file in several steps. */
  debounceMs?: number;
  onError?(error: Error): void;
}

/** Markdown content files and the example questions: hidden paths (.unpublished/, editors' swap files) are not content. */
function isContentFile(file: string): boolean {
  return (file.endsWith('.md') || path.basename(file) === exampleQuestionsFile) && !file.split(/[\\/]/).some((segment) => segment.startsWith('.'));
}

export function watchKnowledge(options: WatchKnowledgeOptions): KnowledgeWatcher {
  const debounceMs = options.debounceMs ?? 300;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(options.directory, { recursive: true, persistent: false }, (_event, filename) => {
      if (!filename) return;
      const file = filename.toString();
      // A file moved away (unpublished) counts too: its old path no longer exists.
      if (!isContentFile(file) && !file.startsWith(`.unpublished${path.sep}`)) return;
      pending.add(file);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        const files = [...pending].sort();
        pending.clear();
        options.onChange(files);
      }, debounceMs);
      timer.unref();
    });
    watcher.on('error', (error) => options.onError?.(error));
  } catch (error) {
    // No watching (e.g. too many inotify watches): edits still apply through the editor's own reload.
    options.onError?.(error as Error);
  }
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
