import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

// Same default as libs/config, so `pnpm db:migrate` works against a local Postgres with no setup.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/meridian';
const connectionString = process.env.DATABASE_URL;

// The WebAssembly engine with the pg adapter: prisma generate and migrate deploy need no native
// engine download.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  adapter: () => Promise.resolve(new PrismaPg({ connectionString })),
});
