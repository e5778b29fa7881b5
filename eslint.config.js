// Lint rules: the recommended sets of ESLint and typescript-eslint, type-aware where it pays
// (floating promises are the classic bug of queue workers).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'db/migrations/**', '.stance/**', 'coverage/**', 'dist/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration from config/config.ts (parsed once).' }],
    },
  },
  {
    // Tests and benchmarks read service URLs and CI from the environment; the product does not.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The web pages' scripts: browser modules.
    files: ['server/web/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'fetch', 'setTimeout', 'clearTimeout', 'sessionStorage', 'DOMParser', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLTextAreaElement', 'FormData', 'URL', 'URLSearchParams'].map((g) => [g, 'readonly']),
      ),
    },
  },
);
