import { defineConfig } from 'drizzle-kit';

// PostgreSQL's migrations are generated from src/database/schema-postgres.ts with `npm run db:generate`
// and committed; SQLite's come from drizzle.config.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/database/schema-postgres.ts',
  out: './src/database/migrations-postgres',
});
