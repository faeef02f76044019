import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { messages, tickets } from '../../src/database/schema.ts';
import { eventColumns, messageColumns, ticketColumns, writeOpenExport } from '../../src/exports/open-export.ts';
import { crc32 } from 'node:zlib';
import { createZip } from '../../src/files/zip-writer.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { seedIndicatorDataset } from '../reports/seeded-dataset.ts';

// The town hall leaves (or adds a second system): its records come out as documented CSV and JSON.

let dataDirectory: string;

/** RFC 4180, written independently of the exporter. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += character;
  }
  return rows;
}

beforeAll(async () => {
  dataDirectory = temporaryDirectory();
  const database = await openTestDatabase(dataDirectory);
  await seedIndicatorDataset(database.db);
  await database.close();
});

afterAll(() => {
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('functionar export', () => {
  it('writes tickets, events and messages as CSV and JSON with a manifest', async () => {
    const out = path.join(dataDirectory, 'export');
    const result = await runCli(['export', '--out', out], { environment: { DATA_DIR: dataDirectory } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Export written to');
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'messages.csv', 'messages.json', 'ticket-events.csv', 'ticket-events.json', 'tickets.csv', 'tickets.json']);

    const ticketsCsv = fs.readFileSync(path.join(out, 'tickets.csv'), 'utf8');
    expect(ticketsCsv.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(ticketsCsv.slice(1));
    expect(rows[0]).toEqual(ticketColumns.map((column) => column.name));
    expect(rows).toHaveLength(6);
    const first = Object.fromEntries((rows[0] ?? []).map((name, index) => [name, rows[1]?.[index]]));
    expect(first).toMatchObject({ label: '1/2026', channel: 'telegram', type: 'sesizare', status: 'inchis', due_date: '2026-04-01', handover: 'false', subject: 'Bec ars' });

    const messages = JSON.parse(fs.readFileSync(path.join(out, 'messages.json'), 'utf8')) as Record<string, unknown>[];
    expect(Object.keys(messages[0] ?? {})).toEqual(messageColumns.map((column) => column.name));
    expect(messages.find((message) => message.text === 'ce acte trebuie pentru autorizatia de construire')).toBeDefined();
    expect(messages.find((message) => message.direction === 'outbound' && Array.isArray(message.sources) && (message.sources as string[]).length === 2)?.sources).toEqual([
      'autorizatie-construire',
      'certificat-urbanism',
    ]);
    // Channel identities (phone numbers, session ids) never leave: rows name people by contact_id.
    expect(fs.readFileSync(path.join(out, 'messages.csv'), 'utf8')).not.toMatch(/\+40740000004|session-ana/);

    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { schema: string; personalData: boolean; files: { name: string; rows: number; sha256: string }[] };
    expect(manifest).toMatchObject({ schema: 'functionar-export-v1', personalData: true });
    for (const file of manifest.files) {
      expect(createHash('sha256').update(fs.readFileSync(path.join(out, file.name))).digest('hex')).toBe(file.sha256);
    }
    expect(manifest.files.find((file) => file.name === 'tickets.json')?.rows).toBe(5);
  });

  it('leaves out names, contacts and texts with --without-personal-data', async () => {
    const database = await openTestDatabase(dataDirectory);
    const out = path.join(dataDirectory, 'public');
    await writeOpenExport(database.db, out, { withPersonalData: false });
    await database.close();
    const tickets = JSON.parse(fs.readFileSync(path.join(out, 'tickets.json'), 'utf8')) as Record<string, unknown>[];
    expect(Object.keys(tickets[0] ?? {})).not.toContain('citizen_name');
    expect(Object.keys(tickets[0] ?? {})).not.toContain('subject');
    expect(Object.keys(tickets[0] ?? {})).toContain('due_date');
    expect(fs.readFileSync(path.join(out, 'messages.csv'), 'utf8')).not.toContain('autorizatia de construire');
  });

  it('keeps texts for a third party with --masked-texts, masked by the one masking function', async () => {
    const database = await openTestDatabase(dataDirectory);
    const [first] = await database.db.select().from(tickets).orderBy(tickets.id).limit(1);
    await database.db
      .update(tickets)
      .set({ citizenName: 'Ion Secretescu', text: 'Bec ars. Sunt Ion Secretescu, CNP1850101264052, tel 0747-12-34-56, ion@example.com; Secretescu' })
      .where(eq(tickets.id, first?.id ?? 0));
    // The receipt link a web chat citizen receives carries their session id, their only credential.
    const [message] = await database.db.select().from(messages).orderBy(messages.id).limit(1);
    await database.db
      .update(messages)
      .set({ text: 'Dovada: https://primaria.example/api/webchat/sessions/Q2l0aXplbnMtb25seS1rZXktMDEy/tickets/1-2026/receipt.pdf' })
      .where(eq(messages.id, message?.id ?? 0));
    const out = path.join(dataDirectory, 'contractor');
    await writeOpenExport(database.db, out, { withPersonalData: false, maskTexts: true });
    await database.close();
    const exported = JSON.parse(fs.readFileSync(path.join(out, 'tickets.json'), 'utf8')) as Record<string, unknown>[];
    expect(Object.keys(exported[0] ?? {})).not.toContain('citizen_name');
    expect(exported[0]?.text).toBe('Bec ars. Sunt [nume], CNP[CNP], tel [telefon …56], [e-mail]; [nume]');
    for (const file of fs.readdirSync(out)) expect(fs.readFileSync(path.join(out, file), 'utf8'), file).not.toMatch(/Secretescu|1850101264052|0747-12-34-56|ion@example|Q2l0aXplbnMtb25seS1rZXktMDEy/);
    expect(fs.readFileSync(path.join(out, 'messages.json'), 'utf8')).toContain('/api/webchat/sessions/[session]/tickets/1-2026/receipt.pdf');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toMatchObject({ personalData: false, maskedTexts: true });
  });

  it('is documented column by column in docs/export-schema.md', () => {
    const documentation = fs.readFileSync(path.join(repositoryRoot, 'docs/export-schema.md'), 'utf8');
    const section = (heading: string) => documentation.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
    for (const [heading, columns] of [
      ['tickets', ticketColumns],
      ['ticket-events', eventColumns],
      ['messages', messageColumns],
    ] as const) {
      const documented = [...section(heading).matchAll(/^\| `([a-z_]+)` \|/gm)].map((match) => match[1]);
      expect(documented, heading).toEqual(columns.map((column) => column.name));
      for (const column of columns.filter((entry) => entry.personal)) expect(section(heading)).toMatch(new RegExp(`\\| \`${column.name}\` \\| [^|]*\\*\\*personal\\*\\*`));
    }
  });
});

describe('the ZIP writer used by gdpr export', () => {
  it('writes archives Info-ZIP unzip reads back byte for byte, with UTF-8 names', () => {
    const file = path.join(dataDirectory, 'test.zip');
    const large = Buffer.from('Bălăușeri '.repeat(5000), 'utf8');
    fs.writeFileSync(file, createZip([{ name: 'a/ș.txt', bytes: large }, { name: 'small.bin', bytes: Buffer.from([1, 2, 3]) }, { name: '../escape.txt', bytes: Buffer.from('x') }]));
    expect(spawnSync('unzip', ['-t', file], { encoding: 'utf8' }).stdout).toContain('No errors detected');
    expect(spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.trim().split('\n')).toEqual(['a/ș.txt', 'small.bin', 'escape.txt']);
    expect(Buffer.compare(spawnSync('unzip', ['-p', file, 'a/ș.txt']).stdout, large)).toBe(0);
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
