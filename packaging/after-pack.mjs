// electron-builder loads hooks with require()/import() and no TypeScript loader: this shim
// loads the hook itself, after-pack.ts, through tsx (a dependency of the app).
import { tsImport } from 'tsx/esm/api';

/** @param {import('electron-builder').AfterPackContext} context */
export default async function afterPack(context) {
  const hook = await tsImport('./after-pack.ts', import.meta.url);
  await hook.default(context);
}
