/**
 * Jest: TypeScript through ts-jest; test/ mirrors src/. tsconfig.jest.json compiles to CommonJS, so the
 * source's dynamic import()s (the Lambda bundle's lazy chunks) become require()s that Jest's module
 * system serves; node16 output would keep them as import(), which Jest runs only with
 * --experimental-vm-modules. A relative import() names its file with .js, as node16 resolution requires of
 * an ES import (src/aws/clients.ts); the mapper serves the .ts file.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/no-network.ts'],
  testTimeout: 30000,
};
