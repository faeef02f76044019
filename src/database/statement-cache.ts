import type Sqlite from 'better-sqlite3';

// drizzle prepares every query it runs, and SQLite compiling the same statement again costs more
// than running it (a message takes about twenty statements). This client hands drizzle statements
// compiled once per SQL text. better-sqlite3 keeps "raw" mode on the statement object, and drizzle
// switches it on for some calls only, so each prepare() gets its own view that sets the mode it asked
// for right before running: queries run synchronously, so two views never interleave.

type Statement = Sqlite.Statement<unknown[], unknown>;

/** What drizzle's better-sqlite3 session uses of its client. */
export interface DrizzleClient {
  prepare(source: string): Statement;
  transaction: Sqlite.Database['transaction'];
}

class StatementView {
  private rawRows = false;

  constructor(private readonly statement: Statement) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  raw(toggle = true): this {
    this.rawRows = toggle;
    return this;
  }

  run(...parameters: unknown[]): Sqlite.RunResult {
    return this.statement.run(...parameters);
  }

  get(...parameters: unknown[]): unknown {
    return this.withMode().get(...parameters);
  }

  all(...parameters: unknown[]): unknown[] {
    return this.withMode().all(...parameters);
  }

  /** better-sqlite3 refuses raw() on statements that return no rows; they have no mode to set. */
  private withMode(): Statement {
    return this.statement.reader ? this.statement.raw(this.rawRows) : this.statement;
  }
}

export function cachingClient(sqlite: Sqlite.Database, limit = 500): DrizzleClient {
  const statements = new Map<string, Statement>();
  return {
    prepare(source: string): Statement {
      let statement = statements.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
        // Queries built with inline values ("IN (…)" lists of varying length) must not grow it forever.
        if (statements.size >= limit) statements.clear();
        statements.set(source, statement);
      }
      return new StatementView(statement) as unknown as Statement;
    },
    transaction: sqlite.transaction.bind(sqlite),
  };
}
