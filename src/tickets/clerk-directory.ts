import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { clerks, type ClerkRow } from '../database/schema.ts';
import { AppError } from '../errors.ts';

export type ClerkIdentityChannel = 'telegram' | 'teams' | 'whatsapp' | 'name';

export interface NewClerk {
  name: string;
  department: string;
  telegramId?: string;
  teamsId?: string;
  whatsapp?: string;
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

export function addClerk(executor: Executor, clerk: NewClerk): ClerkRow {
  const values = { ...clerk, whatsapp: clerk.whatsapp ? normalizePhoneNumber(clerk.whatsapp) : undefined };
  for (const [column, value, label] of [
    [clerks.name, values.name, 'name'],
    [clerks.telegramId, values.telegramId, 'Telegram id'],
    [clerks.teamsId, values.teamsId, 'Teams id'],
    [clerks.whatsapp, values.whatsapp, 'WhatsApp number'],
  ] as const) {
    if (value && executor.select().from(clerks).where(eq(column, value)).get()) throw new ClerkExistsError(label);
  }
  return executor.insert(clerks).values(values).returning().get();
}

export function listClerks(executor: Executor): ClerkRow[] {
  return executor.select().from(clerks).orderBy(asc(clerks.name)).all();
}

export function findClerk(executor: Executor, channel: ClerkIdentityChannel, identity: string): ClerkRow | undefined {
  const column = { telegram: clerks.telegramId, teams: clerks.teamsId, whatsapp: clerks.whatsapp, name: clerks.name }[channel];
  const value = channel === 'whatsapp' ? normalizePhoneNumber(identity) : identity;
  const clerk = executor.select().from(clerks).where(eq(column, value)).get();
  return clerk?.active ? clerk : undefined;
}

export function clerksOfDepartment(executor: Executor, department: string): ClerkRow[] {
  return executor.select().from(clerks).where(eq(clerks.department, department)).all();
}
