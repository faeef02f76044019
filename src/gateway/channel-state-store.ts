import { and, asc, eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { channelState } from '../database/schema.ts';

// A small key/value store per channel, for what an adapter must remember that is neither a citizen nor a
// message (Teams conversation references). Each adapter gets the store of its own namespace and cannot
// read another channel's. Values are JSON; an entry may expire, and an expired entry reads as absent.

export interface ChannelStateEntry<T = unknown> {
  key: string;
  value: T;
  updatedAt: string;
}

export class ChannelStateStore {
  constructor(
    private readonly executor: Executor,
    readonly namespace: string,
  ) {}

  async get<T>(key: string, now = new Date()): Promise<T | undefined> {
    const row = await firstRow(
      this.executor
        .select()
        .from(channelState)
        .where(and(eq(channelState.channel, this.namespace), eq(channelState.key, key))),
    );
    if (!row || (row.expiresAt !== null && row.expiresAt <= now.toISOString())) return undefined;
    return row.value as T;
  }

  async set(key: string, value: unknown, options: { expiresAt?: Date; now?: Date } = {}): Promise<void> {
    const updatedAt = (options.now ?? new Date()).toISOString();
    const expiresAt = options.expiresAt?.toISOString() ?? null;
    await this.executor
      .insert(channelState)
      .values({ channel: this.namespace, key, value, expiresAt, updatedAt })
      .onConflictDoUpdate({ target: [channelState.channel, channelState.key], set: { value, expiresAt, updatedAt } });
  }

  async delete(key: string): Promise<void> {
    await this.executor.delete(channelState).where(and(eq(channelState.channel, this.namespace), eq(channelState.key, key)));
  }

  /** Entries whose key starts with `prefix`, most recently updated first; expired ones left out (a channel keeps few). */
  async entries<T>(prefix = '', now = new Date()): Promise<ChannelStateEntry<T>[]> {
    const rows = await this.executor.select().from(channelState).where(eq(channelState.channel, this.namespace)).orderBy(asc(channelState.id));
    return rows
      .filter((row) => row.key.startsWith(prefix) && (row.expiresAt === null || row.expiresAt > now.toISOString()))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((row) => ({ key: row.key, value: row.value as T, updatedAt: row.updatedAt }));
  }
}
