import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // subgraph/src is AssemblyScript (checked by graph build, not by tsc/eslint); its scripts and tests are TS.
  {
    ignores: [
      'node_modules/',
      'devnet/build/',
      'subgraph/src/',
      'subgraph/build/',
      'subgraph/generated/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Import boundaries (DESIGN.md): the product never depends on its stand-ins for the outside world (the
  // subgraph's own tests run it on the graph host, which is fine), and the
  // pure layers stay pure.
  {
    files: ['keeper/**/*.ts', 'subgraph/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/devnet/**'], message: 'keeper/ and subgraph/ never import devnet/.' }] },
      ],
    },
  },
  {
    files: ['keeper/src/decision/**/*.ts', 'keeper/src/valuation/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../model', '!../errors', '**/devnet/**'],
              message: 'decision/ and valuation/ import only model/ and errors/ (pure functions, no I/O).',
            },
          ],
        },
      ],
    },
  },
);
