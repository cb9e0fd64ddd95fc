// @ts-check
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';
import { importCycleRules } from './import-cycles.mjs';
import { layerRules } from './layers.mjs';

export default tseslint.config(
  // src/client/openapi.ts is generated (npm run client:types) and checked against the served document by a test.
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      'test-output/**',
      'src/client/openapi.ts',
      'scratch/**',
      // deploy/aws is its own package (npm ci --prefix deploy/aws); its sources are linted here, its builds are not.
      'deploy/aws/dist/**',
      'deploy/aws/cdk.out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Prettier formats (printWidth 140); this catches what it cannot wrap, such as long comments.
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': [
        'error',
        { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A promise nobody awaits or catches hides its failure; one handed where a callback is expected runs unawaited.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test owns the promises its test() and describe() return.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The pure core must stay free of `any`: it is where the hard logic lives.
    files: ['src/catalogue/**/*.ts', 'src/engine/**/*.ts', 'src/query/**/*.ts', 'src/merge/**/*.ts', 'src/cache/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  ...layerRules(),
  ...importCycleRules(),
  {
    files: ['**/*.mjs', '**/*.js'],
    ignores: ['src/web/static/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The search page runs in the browser. tsc checks its names against lib DOM (src/web/static/tsconfig.json, in
    // `npm run typecheck`), which knows every browser global and its type; no-undef would need a second list of them.
    files: ['src/web/static/**/*.js'],
    rules: { 'no-undef': 'off' },
  },
);
