import { and, eq, max, sql } from 'drizzle-orm';
import { firstRow, returnedRow, type Executor } from './connection.ts';
import { documents, numberSequences, tickets } from './schema.ts';

const numberedTables = { tickets, documents } as const;
export type NumberedRegister = keyof typeof numberedTables;

/**
 * The next number of a register for a year. Call it inside the transaction that writes the numbered row:
 * the upsert locks the sequence row until that transaction ends, so two instances never take the same
 * number, and a rollback gives the number back.
 */
export async function nextNumber(executor: Executor, register: NumberedRegister, year: number): Promise<number> {
  const taken = await returnedRow(
    executor
      .insert(numberSequences)
      .values({ register, year, last: 1 })
      .onConflictDoUpdate({ target: [numberSequences.register, numberSequences.year], set: { last: sql`${numberSequences.last} + 1` } })
      .returning({ last: numberSequences.last }),
  );
  // Rows may also arrive without the sequence (a restored backup, an import): read under the lock just
  // taken, the highest number in the register itself wins.
  const table = numberedTables[register];
  const highest = (await firstRow(executor.select({ number: max(table.number) }).from(table).where(eq(table.year, year))))?.number ?? 0;
  if (highest < taken.last) return taken.last;
  await executor
    .update(numberSequences)
    .set({ last: highest + 1 })
    .where(and(eq(numberSequences.register, register), eq(numberSequences.year, year)));
  return highest + 1;
}
