// Creates the database if needed and applies every pending migration: what `pnpm db:migrate`
// does, runnable where pnpm is not installed (the migrate container).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [join(root, 'scripts/ensure-database.mjs')], { stdio: 'inherit' });
execFileSync(join(root, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], { cwd: root, stdio: 'inherit' });
