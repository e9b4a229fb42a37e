import { defineConfig } from 'drizzle-kit';

// Only generation reads this file; migrations are applied by src/platform/db/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/platform/db/schema.ts',
  out: process.env.DRIZZLE_OUT ?? './migrations',
});
