/** One config, three layers; `npm test` runs them all (see README). */
// temporal-polyfill (and its temporal-utils) ship as ES modules only: jest compiles it to CommonJS like our own code.
const transform = {
  '^.+\\.ts$|/node_modules/temporal-(polyfill|utils)/.+\\.js$': [
    '@swc/jest',
    {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
      module: { type: 'commonjs' },
    },
  ],
  // Templates (libs/templates): JSX rendered to escaped HTML by Preact.
  '^.+\\.tsx$': [
    '@swc/jest',
    {
      jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic', importSource: 'preact' } } },
      module: { type: 'commonjs' },
    },
  ],
};
/**
 * Packages published as ES modules only (NestJS 12, and file-type, which @nestjs/common loads on
 * demand; temporal-polyfill, the workflows' date arithmetic; Preact 11; htmlparser2, the tests' HTML parser). Node loads them into our CommonJS through require(esm); jest's module system can do
 * that only on Node 24.9+ with --experimental-vm-modules, so jest has swc compile them to CommonJS,
 * on every supported Node.js the same way.
 */
const ESM_ONLY = [
  '@nestjs', 'temporal-polyfill', 'temporal-utils', 'file-type', 'strtok3', 'token-types', 'uint8array-extras', '@tokenizer', '@borewit',
  // Preact 11 (the templates), htmlparser2 (the tests' HTML parser) and its own parts
  'preact', 'htmlparser2', 'domhandler', 'domutils', 'domelementtype', 'dom-serializer', 'entities',
];
transform[`/node_modules/(${ESM_ONLY.join('|')})/.+\\.m?js$`] = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];
const transformIgnorePatterns = [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`];
const common = { transform, transformIgnorePatterns, testEnvironment: 'node', moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'workflow',
      setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/bundle-setup.ts',
      globalTeardown: '<rootDir>/test/support/bundle-teardown.ts',
    },
    {
      ...common,
      displayName: 'integration',
      setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/stack-setup.ts',
      globalTeardown: '<rootDir>/test/support/stack-teardown.ts',
    },
  ],
};
