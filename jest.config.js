/** Unit tests need nothing running; integration tests share one local stack (test/support/global-setup.ts). */
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
// middy is ESM-only: let swc transform it.
const transformIgnorePatterns = ['/node_modules/(?!@middy/)'];

module.exports = {
  // Integration tests wait for deliveries; their own waits fail first with a precise message.
  testTimeout: 30_000,
  // The IAM simulation runs last: it judges the AWS calls the other integration tests made.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/local-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/after-all.ts'],
    },
  ],
};
