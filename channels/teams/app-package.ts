import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config.ts';
import { AppError } from '../../src/errors.ts';
import { createZip } from '../../src/files/zip-writer.ts';

// `functionar teams package`: teams/manifest.json with this installation's values filled in, zipped
// with the two icons — the file an administrator uploads in the Teams admin center or Developer Portal.
// The icons are teams/color.png and teams/outline.png (a town hall front); a town hall may replace them
// with its own coat of arms, at the same sizes.

export const teamsTemplateDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../teams');

export class TeamsPackageError extends AppError {
  constructor(readonly problems: string[]) {
    super('FV_ERR_TEAMS_PACKAGE', `Cannot build the Teams app package:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, 400);
  }
}

/** The blue of the default colour icon, for the manifest's accentColor. */
const accentColor = '#1F5FA8';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Limits of the Teams manifest schema v1.17 that config values can break. */
const lengthLimits: [string, (manifest: TeamsManifest) => string, number][] = [
  ['name.short', (manifest) => manifest.name.short, 30],
  ['name.full', (manifest) => manifest.name.full, 100],
  ['description.short', (manifest) => manifest.description.short, 80],
  ['description.full', (manifest) => manifest.description.full, 4000],
  ['developer.name', (manifest) => manifest.developer.name, 32],
];

interface TeamsManifest {
  id: string;
  version: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  developer: { name: string; websiteUrl: string };
  icons: { color: string; outline: string };
  bots: { botId: string }[];
  validDomains: string[];
  [field: string]: unknown;
}

export interface TeamsAppPackage {
  manifest: TeamsManifest;
  files: { name: string; data: Buffer }[];
  zip: Buffer;
}

function fill(value: unknown, values: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => values[name] ?? placeholder);
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  return value;
}

function packageVersion(): string {
  const packageJson = path.resolve(teamsTemplateDirectory, '../package.json');
  const version = fs.existsSync(packageJson) ? (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: string }).version : undefined;
  return version && /^\d+\.\d+\.\d+$/.test(version) ? version : '1.0.0';
}

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47 || png.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function icon(templateDirectory: string, fileName: string, expectedSize: number, problems: string[]): Buffer {
  const file = path.join(templateDirectory, fileName);
  if (!fs.existsSync(file)) {
    problems.push(`${file}: missing, put a ${expectedSize}×${expectedSize} PNG there`);
    return Buffer.alloc(0);
  }
  const data = fs.readFileSync(file);
  const size = pngSize(data);
  if (!size || size.width !== expectedSize || size.height !== expectedSize) {
    problems.push(`${file}: must be a ${expectedSize}×${expectedSize} PNG${size ? ` (it is ${size.width}×${size.height})` : ''}`);
  }
  return data;
}

export function buildTeamsAppPackage(config: Config, templateDirectory = teamsTemplateDirectory): TeamsAppPackage {
  const problems: string[] = [];
  const appId = config.microsoft.appId;
  if (!appId) problems.push('MICROSOFT_APP_ID: set it to the Azure Bot registration\'s app id (README "Teams")');
  else if (!guidPattern.test(appId)) problems.push(`MICROSOFT_APP_ID: "${appId}" is not an app id (a GUID such as 00000000-0000-0000-0000-000000000000)`);
  const publicUrl = config.publicUrl ? new URL(config.publicUrl) : undefined;
  if (!publicUrl) problems.push('PUBLIC_URL: set it to the https address Teams reaches this server at');
  else if (publicUrl.protocol !== 'https:') problems.push(`PUBLIC_URL: Teams requires https (got ${publicUrl.origin})`);
  const template = JSON.parse(fs.readFileSync(path.join(templateDirectory, 'manifest.json'), 'utf8')) as unknown;
  const manifest = fill(template, {
    MICROSOFT_APP_ID: appId ?? '',
    PUBLIC_URL: publicUrl ? `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}` : '',
    PUBLIC_HOST: publicUrl?.host ?? '',
    TOWN_HALL_NAME: config.townHallName,
    VERSION: packageVersion(),
    ACCENT_COLOR: accentColor,
  }) as TeamsManifest;
  for (const [field, read, limit] of lengthLimits) {
    const length = [...read(manifest)].length;
    if (length > limit) problems.push(`${field}: ${length} characters, Teams allows ${limit} (shorten TOWN_HALL_NAME or edit teams/manifest.json)`);
  }
  const files = [
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') },
    { name: manifest.icons.color, data: icon(templateDirectory, manifest.icons.color, 192, problems) },
    { name: manifest.icons.outline, data: icon(templateDirectory, manifest.icons.outline, 32, problems) },
  ];
  if (problems.length > 0) throw new TeamsPackageError(problems);
  // A fixed date keeps the package byte-identical for identical content.
  const packagedAt = new Date(2026, 0, 1);
  return { manifest, files, zip: createZip(files.map((file) => ({ name: file.name, bytes: file.data, modifiedAt: packagedAt }))) };
}
