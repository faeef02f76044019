import { asc, eq, sql } from 'drizzle-orm';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { clerks, type ClerkRow } from '../database/schema.ts';
import { AppError } from '../errors.ts';

export type ClerkIdentityChannel = 'telegram' | 'teams' | 'whatsapp' | 'name';

export interface NewClerk {
  name: string;
  department: string;
  telegramId?: string;
  teamsId?: string;
  whatsapp?: string;
  /** May edit and publish the knowledge base in /admin (procedures, town hall, life events, redirects). */
  editor?: boolean;
}

export class ClerkExistsError extends AppError {
  constructor(detail: string) {
    super('FV_ERR_CLERK_EXISTS', `A clerk with this ${detail} is already registered`, 409);
  }
}

/** WhatsApp identities are compared in E.164 so "0740 123 456" and "+40740123456" are one clerk. */
export function normalizePhoneNumber(input: string): string {
  const digits = input.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('07') && digits.length === 10) return `+4${digits}`;
  if (digits.startsWith('40')) return `+${digits}`;
  return digits;
}

/**
 * Teams identities are Entra ID (AAD) object ids, GUIDs: Teams sends them in lower case, while the
 * Azure portal and PowerShell show them in upper case, so an administrator may paste either.
 */
export function normalizeTeamsId(input: string): string {
  return input.trim().toLowerCase();
}

export async function addClerk(executor: Executor, clerk: NewClerk): Promise<ClerkRow> {
  const values = {
    ...clerk,
    teamsId: clerk.teamsId ? normalizeTeamsId(clerk.teamsId) : undefined,
    whatsapp: clerk.whatsapp ? normalizePhoneNumber(clerk.whatsapp) : undefined,
  };
  for (const [label, value, existing] of [
    ['name', values.name, () => firstRow(executor.select().from(clerks).where(eq(clerks.name, values.name)))],
    ['Telegram id', values.telegramId, () => firstRow(executor.select().from(clerks).where(eq(clerks.telegramId, values.telegramId!)))],
    ['Teams id', values.teamsId, () => findByTeamsId(executor, values.teamsId!)],
    ['WhatsApp number', values.whatsapp, () => firstRow(executor.select().from(clerks).where(eq(clerks.whatsapp, values.whatsapp!)))],
  ] as const) {
    if (value && (await existing())) throw new ClerkExistsError(label);
  }
  return returnedRow(executor.insert(clerks).values(values).returning());
}

/** Also finds a clerk stored before ids were normalised, with the id in upper case. */
function findByTeamsId(executor: Executor, teamsId: string): Promise<ClerkRow | undefined> {
  return firstRow(executor.select().from(clerks).where(sql`lower(${clerks.teamsId}) = ${normalizeTeamsId(teamsId)}`));
}

export async function listClerks(executor: Executor): Promise<ClerkRow[]> {
  return executor.select().from(clerks).orderBy(asc(clerks.name), asc(clerks.id));
}

/** The active clerk registered with this identity; a deactivated clerk is nobody. */
export async function findClerk(executor: Executor, channel: ClerkIdentityChannel, identity: string): Promise<ClerkRow | undefined> {
  const clerk =
    channel === 'teams'
      ? await findByTeamsId(executor, identity)
      : await firstRow(
          executor
            .select()
            .from(clerks)
            .where(eq({ telegram: clerks.telegramId, whatsapp: clerks.whatsapp, name: clerks.name }[channel], channel === 'whatsapp' ? normalizePhoneNumber(identity) : identity)),
        );
  return clerk?.active ? clerk : undefined;
}

/** The active clerk with this id (the web inbox knows its signed-in clerk by id). */
export async function findClerkById(executor: Executor, clerkId: number): Promise<ClerkRow | undefined> {
  const clerk = await firstRow(executor.select().from(clerks).where(eq(clerks.id, clerkId)));
  return clerk?.active ? clerk : undefined;
}

export async function clerksOfDepartment(executor: Executor, department: string): Promise<ClerkRow[]> {
  return executor.select().from(clerks).where(eq(clerks.department, department)).orderBy(asc(clerks.id));
}
