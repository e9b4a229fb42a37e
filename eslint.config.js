// Lint: typescript-eslint with type information (floating and misused promises are bugs), and
// the layout's boundaries (README, "Layout"): a capability's pure rules import only rules; the
// platform imports only the platform; a capability reaches another only through its index.ts
// (or its rules); workflows import only workflow APIs, rules and types; src/server, src/demo,
// src/cli and src/main.ts compose everything through the indexes.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const capabilityFiles = ['src/**/*.ts', 'workflows/**/*.ts'];
const webFiles = ['web/src/**/*.ts', 'web/src/**/*.tsx'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', '.tap/**', 'migrations/**', 'src/generated/**', 'web/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // fastify hooks and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Files a newcomer can read (README, Layout): the schema and the generated types excepted.
    files: ['src/**/*.ts', 'workflows/**/*.ts'],
    ignores: ['src/platform/db/schema.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Tests read JSON answers (any) and let tap await its own subtests (t.test).
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: capabilityFiles,
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/include': capabilityFiles,
      // Order matters: the first descriptor that matches a folder (read from the right) wins.
      'boundaries/elements': [
        { type: 'rules', pattern: 'src/*/rules', capture: ['capability'] },
        { type: 'platform', pattern: 'src/platform' },
        { type: 'generated', pattern: 'src/generated' },
        { type: 'composition', pattern: ['src/server', 'src/demo', 'src/cli'] },
        { type: 'capability', pattern: 'src/*', capture: ['capability'] },
        { type: 'workflows', pattern: 'workflows' },
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            {
              from: { element: { type: 'rules' } },
              allow: { to: [{ element: { type: 'rules' } }, { element: { type: 'platform', fileInternalPath: 'errors.ts' } }] },
            },
            { from: { element: { type: 'platform' } }, allow: { to: { element: { type: ['platform', 'generated'] } } } },
            {
              from: { element: { type: 'capability' } },
              allow: {
                to: [
                  { element: { type: 'capability', captured: { capability: '{{ from.captured.capability }}' } } },
                  { element: { type: 'capability', fileInternalPath: 'index.ts' } },
                  { element: { type: ['rules', 'platform', 'generated'] } },
                ],
              },
            },
            {
              from: { element: { type: 'composition' } },
              allow: {
                to: [
                  { element: { type: 'capability', fileInternalPath: 'index.ts' } },
                  { element: { type: ['composition', 'rules', 'platform', 'generated', 'workflows'] } },
                ],
              },
            },
            {
              from: { element: { type: 'workflows' } },
              allow: {
                to: [{ element: { type: ['workflows', 'rules'] } }, { element: { type: 'platform', fileInternalPath: 'errors.ts' } }],
              },
            },
            {
              from: { element: { type: 'workflows' } },
              allow: { to: { element: { type: ['capability', 'composition'] } }, dependency: { kind: 'type' } },
            },
            // A workflow client names the workflow it starts by its type, and talks to it through the
            // definitions of its *-api.ts (signals, queries, updates; no workflow code).
            { from: { element: { type: 'capability' } }, allow: { to: { element: { type: 'workflows' } }, dependency: { kind: 'type' } } },
            {
              from: { element: { type: ['capability', 'composition'] } },
              allow: { to: { element: { type: 'workflows', fileInternalPath: '*-api.ts' } } },
            },
          ],
        },
      ],
    },
  },
  {
    // The console (web/): organised by feature, as bulletproof-react lays it out. A feature reaches
    // another only through its index.ts; shared components and the API client (lib/) import no
    // feature; the app frame composes the features through their indexes.
    files: webFiles,
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './web/tsconfig.json' } },
      'boundaries/include': webFiles,
      'boundaries/elements': [
        { type: 'web-app', pattern: 'web/src/app' },
        { type: 'web-lib', pattern: 'web/src/lib' },
        { type: 'web-components', pattern: 'web/src/components' },
        { type: 'web-feature', pattern: 'web/src/features/*', capture: ['feature'] },
        { type: 'generated', pattern: 'src/generated' },
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            { from: { element: { type: 'web-lib' } }, allow: { to: { element: { type: ['web-lib', 'generated'] } } } },
            { from: { element: { type: 'web-components' } }, allow: { to: { element: { type: ['web-lib', 'web-components'] } } } },
            {
              from: { element: { type: 'web-feature' } },
              allow: {
                to: [
                  { element: { type: 'web-feature', captured: { feature: '{{ from.captured.feature }}' } } },
                  { element: { type: 'web-feature', fileInternalPath: 'index.ts' } },
                  { element: { type: ['web-lib', 'web-components'] } },
                ],
              },
            },
            {
              from: { element: { type: 'web-app' } },
              allow: {
                to: [
                  { element: { type: 'web-feature', fileInternalPath: 'index.ts' } },
                  { element: { type: ['web-app', 'web-lib', 'web-components'] } },
                ],
              },
            },
          ],
        },
      ],
    },
  },
  prettier,
);
