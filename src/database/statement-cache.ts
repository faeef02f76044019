import type Sqlite from 'better-sqlite3';

// drizzle hands every query to the proxy driver as SQL text, and SQLite compiling the same statement
// again costs more than running it (a message takes about twenty statements): statements are compiled
// once per SQL text. Rows go back as arrays of values, the shape drizzle's proxy driver maps to objects.

type Statement = Sqlite.Statement<unknown[], unknown>;
export type ProxyMethod = 'run' | 'all' | 'values' | 'get';

export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly limit = 500,
  ) {}

  execute(source: string, parameters: unknown[], method: ProxyMethod): { rows: unknown[] } {
    const statement = this.prepare(source);
    if (!statement.reader) {
      statement.run(...parameters);
      return { rows: [] };
    }
    statement.raw(true);
    if (method === 'get')
      return {
        rows: (statement.get(...parameters) as unknown[] | undefined) ?? (undefined as unknown as unknown[]),
      };
    return { rows: statement.all(...parameters) };
  }

  private prepare(source: string): Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.sqlite.prepare(source);
      // Queries built with inline values ("IN (…)" lists of varying length) must not grow it forever.
      if (this.statements.size >= this.limit) this.statements.clear();
      this.statements.set(source, statement);
    }
    return statement;
  }
}
