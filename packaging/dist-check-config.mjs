// electron-builder `afterAllArtifactBuild` hook used by `npm run dist:check` only (passed with
// -c.afterAllArtifactBuild): records the configuration the build actually used, CLI overrides and
// defaults included, as builder-effective-config.json in the output folder. electron-builder writes
// its own builder-effective-config.yaml only when stdout is a terminal outside CI.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** @param {import('electron-builder').BuildResult} result */
export default async function recordEffectiveConfig(result) {
  await writeFile(path.join(result.outDir, 'builder-effective-config.json'), `${JSON.stringify(result.configuration, null, 2)}\n`);
  return [];
}
