import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTeamsAppPackage, TeamsPackageError } from '../../../channels/teams/app-package.ts';
import { crc32 } from 'node:zlib';
import { loadConfig } from '../../../src/config.ts';
import { runCli } from '../../helpers/cli.ts';
import { temporaryDirectory } from '../../helpers/temporary-directory.ts';

// `functionar teams package` turns teams/manifest.json into the zip an administrator uploads to Teams.

const appId = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
let workDirectory: string;

function functionar(args: string[], environment: Record<string, string>) {
  // Run from an empty directory with an empty environment, so no .env of the developer's checkout leaks in.
  return runCli(args, { cwd: workDirectory, isolated: true, environment: { HOME: workDirectory, DATA_DIR: path.join(workDirectory, 'data'), LOG_LEVEL: 'warn', ...environment } });
}

/** Reads a ZIP's central directory and inflates each entry, checking its CRC-32 as unzip does. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    expect(zip.readUInt32LE(offset)).toBe(0x02014b50);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    const compressed = zip.subarray(localOffset + 30 + localNameLength + localExtraLength, localOffset + 30 + localNameLength + localExtraLength + compressedSize);
    const data = method === 8 ? inflateRawSync(compressed) : Buffer.from(compressed);
    expect(crc32(data), name).toBe(crc);
    entries.set(name, data);
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

/** Width, height and RGBA pixels of the 8-bit RGBA, non-interlaced PNGs the package contains. */
function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    expect(crc32(png.subarray(offset + 4, offset + 8 + length)), type).toBe(png.readUInt32BE(offset + 8 + length));
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    expect(rows[row * (width * 4 + 1)]).toBe(0);
    rows.copy(pixels, row * width * 4, row * (width * 4 + 1) + 1, (row + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

beforeAll(() => {
  workDirectory = temporaryDirectory('functionar-teams-package-');
});

afterAll(() => {
  fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe('functionar teams package', () => {
  it('writes a zip with the manifest filled from the configuration and both icons', async () => {
    const out = path.join(workDirectory, 'teams-app.zip');
    const result = await functionar(['teams', 'package', '--out', out], {
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: 'secret',
      PUBLIC_URL: 'https://asistent.balauseri.ro',
      TOWN_HALL_NAME: 'Primăria Bălăușeri',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('https://asistent.balauseri.ro/api/messages');

    const unzip = spawnSync('unzip', ['-l', out], { encoding: 'utf8' });
    if (!unzip.error) {
      // The system's unzip agrees (skipped where unzip is not installed).
      expect(unzip.status, unzip.stderr).toBe(0);
      expect(unzip.stdout).toMatch(/manifest\.json/);
      expect(unzip.stdout).toMatch(/color\.png/);
      expect(unzip.stdout).toMatch(/outline\.png/);
      expect(spawnSync('unzip', ['-tq', out], { encoding: 'utf8' }).stdout).toMatch(/No errors detected/);
    }

    const entries = readZip(fs.readFileSync(out));
    expect([...entries.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      manifestVersion: '1.17',
      id: appId,
      developer: { name: 'Primăria Bălăușeri', websiteUrl: 'https://asistent.balauseri.ro/' },
      name: { short: 'Funcționar Virtual', full: 'Funcționar Virtual — Primăria Bălăușeri' },
      icons: { color: 'color.png', outline: 'outline.png' },
      bots: [{ botId: appId, scopes: ['personal', 'team', 'groupChat'] }],
      validDomains: ['asistent.balauseri.ro'],
    });
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    const commands = (manifest.bots as { commandLists: { commands: { title: string }[] }[] }[])[0]!.commandLists[0]!.commands.map((command) => command.title);
    expect(commands).toEqual(['/tichete', '/vezi', '/raspunde', '/preia', '/nota', '/aloca', '/prelungeste', '/inchide']);

    const color = decodePng(entries.get('color.png')!);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(entries.get('outline.png')!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    // Teams wants the outline icon white on transparent: every pixel is white, only alpha varies.
    for (let pixel = 0; pixel < 32 * 32; pixel++) expect([...outline.pixels.subarray(pixel * 4, pixel * 4 + 3)]).toEqual([255, 255, 255]);
    const alphas = new Set(Array.from({ length: 32 * 32 }, (_, pixel) => outline.pixels[pixel * 4 + 3]));
    expect(alphas.has(0) && alphas.has(255)).toBe(true);
  });

  it('says what is missing instead of writing a package Teams would reject', () => {
    const config = loadConfig({ DATA_DIR: workDirectory, PUBLIC_URL: 'http://asistent.balauseri.ro' });
    let problems: string[] = [];
    try {
      buildTeamsAppPackage(config);
    } catch (error) {
      problems = (error as TeamsPackageError).problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^MICROSOFT_APP_ID: set it/), 'PUBLIC_URL: Teams requires https (got http://asistent.balauseri.ro)']);
  });

  it('refuses a town hall name longer than the manifest allows', () => {
    const config = loadConfig({
      DATA_DIR: workDirectory,
      MICROSOFT_APP_ID: appId,
      MICROSOFT_APP_PASSWORD: 'secret',
      PUBLIC_URL: 'https://asistent.balauseri.ro',
      TOWN_HALL_NAME: 'Primăria Comunei Bălăușeri din Județul Mureș, România, Uniunea Europeană, Planeta Pământ',
    });
    expect(() => buildTeamsAppPackage(config)).toThrow(TeamsPackageError);
    try {
      buildTeamsAppPackage(config);
    } catch (error) {
      expect((error as TeamsPackageError).problems.join('\n')).toMatch(/name\.full: \d+ characters, Teams allows 100/);
    }
  });
});
