import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/database/schema.ts with `npm run db:generate` and committed.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/database/schema.ts',
  out: './src/database/migrations',
});
