// Three levels, one config each: `unit` (pure logic, *.spec.ts), `integration` (real Postgres and
// Redis, *.int-spec.ts) and `e2e` (the three apps as real processes, driven over HTTP); `faults`
// (the same, through injected faults) is the e2e level's fault-injection suite.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];

const common = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@meridian/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

// Tests on real Postgres, Redis and processes: a database and Redis prefix per file, and a time
// limit of 30 s per test (hang-timeout.setup.ts) instead of jest's 5.
const withDatabase = {
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/libs/testing/src/hang-timeout.setup.ts'],
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'] },
    // The Kubernetes manifests rendered with kubectl kustomize, the compose file and the dashboard.
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/deploy/test/**/*.spec.ts'] },
    {
      ...common,
      ...withDatabase,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.int-spec.ts'],
    },
    { ...common, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.e2e-spec.ts'] },
    // Fault scenarios: the built apps as processes, with Postgres or Redis taken away from them
    // through a proxy or a private redis-server, or the processes themselves killed.
    {
      ...common,
      ...withDatabase,
      displayName: 'faults',
      testMatch: ['<rootDir>/apps/*/test/faults/*.fault-spec.ts'],
    },
  ],
};
