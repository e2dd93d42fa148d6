// One lint setup for the whole repository. Type-aware rules catch the bugs that matter in a queue
// system: unawaited promises, promises passed where callbacks are expected, non-exhaustive switches.
import eslint from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

/**
 * Each infrastructure library is imported where its owner lives, nowhere else (house rule 2):
 * BullMQ in libs/queue, ioredis in libs/queue (connections are made there and handed out), Prisma
 * in libs/db. Naming the type of a Redis connection one is given is allowed; making one is not.
 */
const infrastructure = {
  bullmq: {
    name: 'bullmq',
    message: "BullMQ belongs in libs/queue (and the worker app's pool and runner); use a gateway from @meridian/queue.",
  },
  ioredis: {
    name: 'ioredis',
    allowTypeImports: true,
    message: 'Redis connections are made by createRedisConnection (@meridian/queue) and injected as REDIS.',
  },
  prisma: { group: ['@prisma/*'], message: 'Prisma belongs in libs/db; use a repository from @meridian/db.' },
};

const crossPackage = {
  group: ['../../libs/*', '../../../libs/*', '**/apps/*/src/*'],
  message: 'Import other packages through @meridian/*.',
};

/** The import restrictions, less those of the libraries `allowed` in the files a block covers. */
function restrictImports(...allowed) {
  const paths = ['bullmq', 'ioredis'].filter((name) => !allowed.includes(name)).map((name) => infrastructure[name]);
  const patterns = [crossPackage, ...(allowed.includes('prisma') ? [] : [infrastructure.prisma])];
  return { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] };
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'libs/db/generated/**',
      'libs/client/src/generated/**',
      'coverage/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      eqeqeq: 'error',
      curly: 'error',
      ...restrictImports(),
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['libs/queue/src/**/*.ts'],
    rules: restrictImports('bullmq', 'ioredis'),
  },
  {
    // The web console runs in a browser: its own tsconfig (DOM, JSX for Preact), not the Node one.
    files: ['apps/console/src/**/*.{ts,tsx}', 'apps/console/vite.config.ts'],
    languageOptions: {
      parserOptions: { project: './apps/console/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // prisma.config.ts is the Prisma CLI's own configuration (generate, migrate).
    files: ['libs/db/src/**/*.ts', 'prisma.config.ts'],
    rules: restrictImports('prisma'),
  },
  {
    // The worker app is BullMQ's consumer: its pool builds the Workers, and its runner answers them
    // in BullMQ's own control-flow errors. Everything behind the runner stays free of BullMQ.
    files: ['apps/worker/src/execution/worker-pool.ts', 'apps/worker/src/execution/execution-runner.ts'],
    rules: restrictImports('bullmq'),
  },
  {
    // Tests check what the code left in Redis and BullMQ through the real thing (house rule 6), and
    // libs/testing makes the throwaway connections and Redis servers they need.
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.fault-spec.ts',
      'apps/*/test/**',
      'libs/testing/**',
    ],
    rules: restrictImports('bullmq', 'ioredis'),
  },
);
