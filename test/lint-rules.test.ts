/**
 * The import boundaries of eslint.config.js, proven: each rule is shown a
 * probe — source text linted as if it were a file in the folder the rule
 * covers — and must report the forbidden import (and stay quiet on an
 * allowed one). The probes exist only as strings here, so neither `eslint .`
 * nor tsc ever sees them. Loosen a rule and this file fails.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
let eslint: ESLint;
let layers: string[][];

beforeAll(async () => {
  eslint = new ESLint({ cwd: ROOT });
  // A computed specifier: the config is plain JavaScript, without types for tsc to find.
  const config = pathToFileURL(path.join(ROOT, 'eslint.config.js')).href;
  layers = ((await import(config)) as { LAYERS: string[][] }).LAYERS;
});

interface Finding {
  readonly rule: string | null;
  readonly message: string;
}

/** The findings of the import rules for one import statement in a virtual file `filePath` (relative to the repository). */
async function lintImport(filePath: string, statement: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(`${statement}\nexport type Probe = typeof probe;\n`, { filePath: path.join(ROOT, filePath), warnIgnored: true });
  expect(result, filePath).toBeDefined();
  const messages = result?.messages ?? [];
  // A parse error or an ignored path would make every expectation below vacuous.
  expect(messages.filter((m) => m.fatal || m.ruleId === null), filePath).toEqual([]);
  return messages.filter((m) => /no-restricted-imports$/.test(m.ruleId ?? '')).map((m) => ({ rule: m.ruleId, message: m.message }));
}

const value = (from: string) => `import { probe } from '${from}';`;
const typeOnly = (from: string) => `import type { probe } from '${from}';`;

function expectFinding(findings: Finding[], rule: string, message: RegExp): void {
  expect(findings).toContainEqual({ rule, message: expect.stringMatching(message) });
}

describe('shared/: through index.ts only, in layer order, platform-free', () => {
  it('rejects deep imports into every folder, crypto and seal included', async () => {
    for (const [from, into] of [
      ['api', '../crypto/keys-file.js'],
      ['api', '../seal/seal.js'],
      ['sync', '../store/store.js'],
    ] as const) {
      expectFinding(await lintImport(`shared/${from}/__probe__.ts`, value(into)), 'no-restricted-imports', /through its index\.ts only/);
    }
  });

  it('rejects an import of a higher layer: model → api, importers → store', async () => {
    expectFinding(await lintImport('shared/model/__probe__.ts', value('../api/index.js')), 'no-restricted-imports', /shared\/model\/ may import only the layers below it/);
    // Type-only imports count too: importers open files, ingest puts them into the store.
    expectFinding(await lintImport('shared/importers/__probe__.ts', typeOnly('../store/index.js')), 'no-restricted-imports', /shared\/importers\/ may import only the layers below it/);
  });

  it('holds at any depth of the importing file', async () => {
    expectFinding(await lintImport('shared/model/deeper/__probe__.ts', value('../../api/index.js')), 'no-restricted-imports', /shared\/model\/ may import only the layers below it/);
  });

  it('orders every folder: each may import the lines below it, none on its own line or above', async () => {
    for (const [rank, line] of layers.entries()) {
      for (const folder of line) {
        const file = `shared/${folder}/__probe__.ts`;
        for (const lower of layers.slice(0, rank).flat()) expect(await lintImport(file, value(`../${lower}/index.js`)), `${folder} → ${lower}`).toEqual([]);
        for (const higher of layers.slice(rank).flat().filter((f) => f !== folder)) {
          expectFinding(await lintImport(file, value(`../${higher}/index.js`)), 'no-restricted-imports', new RegExp(`shared/${folder}/ may import only the layers below it`));
        }
      }
    }
  });

  it('rejects electron, React and the app folders', async () => {
    expectFinding(await lintImport('shared/api/__probe__.ts', value('electron')), 'no-restricted-imports', /platform-free: no electron/);
    expectFinding(await lintImport('shared/api/__probe__.ts', value('react-dom/client')), 'no-restricted-imports', /platform-free/);
    for (const app of ['cli', 'electron', 'renderer', 'e2e', 'bench']) {
      expectFinding(await lintImport('shared/api/__probe__.ts', value(`../../${app}/main.js`)), 'no-restricted-imports', /npm libraries only/);
    }
  });

  it('accepts a lower layer through its index, a sibling file and npm', async () => {
    expect(await lintImport('shared/api/__probe__.ts', value('../store/index.js'))).toEqual([]);
    expect(await lintImport('shared/api/__probe__.ts', value('./home.js'))).toEqual([]);
    expect(await lintImport('shared/store/__probe__.ts', value('better-sqlite3-multiple-ciphers'))).toEqual([]);
  });
});

describe('renderer/: types from shared/api and shared/model, the record-type list, nothing else', () => {
  // renderer/src/views/X.tsx is three folders below the repository: the depth the old rule missed.
  const view = 'renderer/src/views/__probe__.tsx';

  it('rejects a deep import of a core internal at the real depth', async () => {
    for (const into of ['../../../shared/store/store.js', '../../../shared/crypto/index.js', '../../../shared/api/locker.js']) {
      expectFinding(await lintImport(view, typeOnly(into)), 'no-restricted-imports', /renderer imports from shared\/ only types/);
    }
    expectFinding(await lintImport('renderer/src/App.tsx', typeOnly('../../shared/seal/seal.js')), 'no-restricted-imports', /renderer imports from shared\/ only types/);
  });

  it('rejects a value import from the indexes (it would bundle Node code)', async () => {
    expectFinding(await lintImport(view, value('../../../shared/api/index.js')), '@typescript-eslint/no-restricted-imports', /only types from shared\/api and shared\/model/);
  });

  it('rejects Node, electron and the other app folders', async () => {
    expectFinding(await lintImport(view, value('node:fs')), 'no-restricted-imports', /no Node/);
    expectFinding(await lintImport(view, value('electron')), 'no-restricted-imports', /only through the LockerApi client/);
    expectFinding(await lintImport(view, value('../../../cli/main.js')), 'no-restricted-imports', /shared\/ types only/);
  });

  it('accepts what it uses today', async () => {
    expect(await lintImport(view, typeOnly('../../../shared/api/index.js'))).toEqual([]);
    expect(await lintImport(view, typeOnly('../../../shared/model/index.js'))).toEqual([]);
    expect(await lintImport(view, value('../../../shared/model/types.js'))).toEqual([]);
  });
});

describe('cli/ and electron/: shared/ through index.ts only', () => {
  it('rejects deep imports and the other app folders', async () => {
    expectFinding(await lintImport('cli/__probe__.ts', value('../shared/seal/seal.js')), 'no-restricted-imports', /cli\/ uses shared\/ folders through their index\.ts/);
    expectFinding(await lintImport('cli/__probe__.ts', value('../electron/main.js')), 'no-restricted-imports', /cli\/ may import shared\/ only/);
    expectFinding(await lintImport('cli/__probe__.ts', value('electron')), 'no-restricted-imports', /no electron/);
    expectFinding(await lintImport('electron/__probe__.ts', value('../shared/crypto/keys-file.js')), 'no-restricted-imports', /electron\/ uses shared\/ folders through their index\.ts/);
    expectFinding(await lintImport('electron/__probe__.ts', value('../renderer/src/App.js')), 'no-restricted-imports', /electron\/ may import shared\/ only/);
  });

  it("lets only the CLI's entry take the two constant-only modules by path", async () => {
    expect(await lintImport('cli/main.ts', value('../shared/model/types.js'))).toEqual([]);
    expect(await lintImport('cli/main.ts', value('../shared/api/default-home.js'))).toEqual([]);
    expectFinding(await lintImport('cli/main.ts', value('../shared/api/locker.js')), 'no-restricted-imports', /cli\/ uses shared\/ folders through their index\.ts/);
    expectFinding(await lintImport('cli/main.ts', value('../shared/model/validate.js')), 'no-restricted-imports', /cli\/ uses shared\/ folders through their index\.ts/);
    expectFinding(await lintImport('cli/__probe__.ts', value('../shared/model/types.js')), 'no-restricted-imports', /cli\/ uses shared\/ folders through their index\.ts/);
    expectFinding(await lintImport('cli/__probe__.ts', value('../shared/api/default-home.js')), 'no-restricted-imports', /cli\/ uses shared\/ folders through their index\.ts/);
  });

  it('accepts any folder through its index', async () => {
    expect(await lintImport('cli/__probe__.ts', value('../shared/crypto/index.js'))).toEqual([]);
    expect(await lintImport('electron/__probe__.ts', value('../shared/auth/index.js'))).toEqual([]);
  });
});
