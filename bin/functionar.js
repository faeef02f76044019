#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx's loader, so no build step is needed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// A small young generation and a bounded heap keep the resident memory of `functionar serve` within budget, as `npm start` does.
const result = spawnSync(
  process.execPath,
  ['--max-semi-space-size=4', '--max-old-space-size=512', '--import', import.meta.resolve('tsx'), path.join(root, 'src/cli/main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
