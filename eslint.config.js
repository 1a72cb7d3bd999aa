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
);
