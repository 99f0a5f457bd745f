// Lint: typed TypeScript rules plus the import boundaries of DESIGN.md's layout table.
import tseslint from 'typescript-eslint';
import globals from 'globals';

const capabilityFolders = ['model', 'store', 'search', 'importers', 'export', 'auth', 'pod', 'localpod', 'sync', 'consent', 'api'];

/** Inside shared/<cap>/, other capability folders are reached only through their index.ts. */
const onlyThroughIndex = {
  group: capabilityFolders.flatMap((c) => [`../${c}/*`, `!../${c}/index.js`]),
  message: 'Import another shared/ folder through its index.ts only.',
};
const noPlatform = [
  { name: 'electron', message: 'shared/ is platform-free: no electron.' },
  { name: 'react', message: 'shared/ is platform-free: no DOM/React.' },
  { name: 'react-dom', message: 'shared/ is platform-free: no DOM/React.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'scratch/', 'bench/out/', 'stubs/', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noPlatform,
          patterns: [
            onlyThroughIndex,
            { group: ['../../cli/*', '../../electron/*', '../../renderer/*', '../../e2e/*', '../../bench/*'], message: 'shared/ may import npm libraries only.' },
            { group: ['electron/*', 'react/*', 'react-dom/*'], message: 'shared/ is platform-free.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noPlatform,
          patterns: [
            { group: ['../shared/*/*', '!../shared/*/index.js'], message: 'cli/ uses shared/ folders through their index.ts.' },
            { group: ['../electron/*', '../renderer/*'], message: 'cli/ may import shared/ only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../shared/*/*', '!../shared/*/index.js'], message: 'electron/ uses shared/ through index.ts.' }, { group: ['../cli/*', '../renderer/*'], message: 'electron/ may import shared/ only.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the core only through the LockerApi client.' }],
          patterns: [
            { group: ['node:*', 'better-sqlite3'], message: 'The renderer has no Node.' },
            { group: ['../shared/*/*', '!../shared/api/index.js', '!../shared/model/index.js'], message: 'The renderer imports shared/ types and the api client only.' },
            { group: ['../cli/*', '../electron/*'], message: 'The renderer may import shared/ types only.' },
          ],
        },
      ],
    },
  },
);
