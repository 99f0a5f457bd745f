// Lint: typed TypeScript rules plus the import boundaries of DESIGN.md's layout table.
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The core's layers, low → high. A folder of `shared/` may import only the
 * folders on lines above its own (through their index.ts); folders on one
 * line are independent of each other. This is the graph as it runs:
 * `store` uses `search`'s query parser, `seal` writes with `export` and reads
 * the backup format from `importers`; `importers` only open files into
 * records (beside `store`, never into it): `ingest` commits what they yield
 * into `store`; and `api` sits on everything.
 */
export const LAYERS = [
  ['durable'],
  ['model'],
  ['crypto'],
  ['search'],
  ['store', 'importers'],
  ['export'],
  ['seal'],
  ['auth', 'pod'],
  ['localpod'],
  ['sync'],
  ['consent'],
  ['ingest'],
  ['api'],
];

/** Every folder under shared/ is a capability: one that is not in LAYERS stops the lint until it is given its place. */
const capabilityFolders = readdirSync(new URL('./shared/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const unplaced = capabilityFolders.filter((f) => !LAYERS.flat().includes(f));
if (unplaced.length > 0) throw new Error(`eslint.config.js: add ${unplaced.map((f) => `shared/${f}/`).join(', ')} to LAYERS (above the folders it imports, below those that import it)`);

/** Any number of `../`: a rule must hold at every depth of the importing file. */
const UP = '^(\\.\\./)+';
const any = (names) => `(${names.join('|')})`;

/** The no-restricted-imports patterns of a file in shared/<folder>/ (or, without a folder, directly in shared/). */
function sharedPatterns(folder) {
  const rank = folder === undefined ? -1 : LAYERS.findIndex((line) => line.includes(folder));
  const below = LAYERS.slice(0, rank).flat();
  const notBelow = rank < 0 ? [] : LAYERS.slice(rank).flat().filter((f) => f !== folder);
  const others = LAYERS.flat().filter((f) => f !== folder);
  return [
    { regex: `${UP}${any(others)}/(?!index\\.js$)`, message: 'Import another shared/ folder through its index.ts only.' },
    ...(notBelow.length > 0
      ? [{ regex: `${UP}${any(notBelow)}(/|$)`, message: `shared/${folder}/ may import only the layers below it (${below.join(', ') || 'none: it is the lowest'}); the order is LAYERS in eslint.config.js.` }]
      : []),
    { regex: `${UP}(cli|electron|renderer|e2e|bench|examples|packaging)(/|$)`, message: 'shared/ may import npm libraries only.' },
    { group: ['electron/*', 'react/*', 'react-dom/*'], message: 'shared/ is platform-free.' },
  ];
}
const noPlatform = [
  { name: 'electron', message: 'shared/ is platform-free: no electron.' },
  { name: 'react', message: 'shared/ is platform-free: no DOM/React.' },
  { name: 'react-dom', message: 'shared/ is platform-free: no DOM/React.' },
];
/** cli/ and electron/: shared/ folders through their index.ts only, at any depth. */
const sharedOnlyThroughIndex = (who, except = '') => ({ regex: `${UP}shared/(?!${except || '$^'})([^/]+/(?!index\\.js$)|[^/]+$)`, message: `${who} uses shared/ folders through their index.ts.` });
/**
 * The CLI's entry (cli/main.ts) answers `--help` before it loads the core, so it
 * may also take the two constant-only modules it needs by their own paths:
 * the record-type list and the default home. Nothing else.
 */
const CLI_ENTRY_DEEP = '(model/types|api/default-home)\\.js$';

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
  // shared/: one block per folder (a later block for the same file replaces the rule's options, it does not add to them).
  ...[undefined, ...capabilityFolders].map((folder) => ({
    files: [folder === undefined ? 'shared/*.ts' : `shared/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths: noPlatform, patterns: sharedPatterns(folder) }] },
  })),
  {
    files: ['cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noPlatform,
          patterns: [
            sharedOnlyThroughIndex('cli/'),
            { regex: `${UP}(electron|renderer)(/|$)`, message: 'cli/ may import shared/ only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['cli/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noPlatform,
          patterns: [
            sharedOnlyThroughIndex('cli/', CLI_ENTRY_DEEP),
            { regex: `${UP}(electron|renderer)(/|$)`, message: 'cli/ may import shared/ only.' },
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
        { patterns: [sharedOnlyThroughIndex('electron/'), { regex: `${UP}(cli|renderer)(/|$)`, message: 'electron/ may import shared/ only.' }] },
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
            { group: ['node:*', 'better-sqlite3*'], message: 'The renderer has no Node.' },
            {
              regex: `${UP}shared/(?!(api|model)/index\\.js$|model/types\\.js$)`,
              message: 'The renderer imports from shared/ only types (api/index.js, model/index.js) and the record-type list (model/types.js).',
            },
            { regex: `${UP}(cli|electron)(/|$)`, message: 'The renderer may import shared/ types only.' },
          ],
        },
      ],
      // The two indexes reach Node code (SQLite, shacl-engine): only their types may be imported, so none of it is bundled.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: `${UP}shared/(api|model)/index\\.js$`, allowTypeImports: true, message: 'The renderer imports only types from shared/api and shared/model (`import type`): a value would bundle Node code.' }] },
      ],
    },
  },
);
