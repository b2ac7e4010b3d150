// ESLint: typescript-eslint's recommended rules plus a few that guard this project's habits.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'artifacts/**', 'build/**', 'host-tests/fixtures/**', 'simulator/console/web/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    files: ['simulator/**/*.{ts,js,mjs}', 'host-tests/**/*.{ts,js,mjs}', '*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['simulator/console/web/**/*.{ts,js}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
