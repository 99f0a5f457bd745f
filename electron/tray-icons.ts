import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { TRAY_STATES, type TrayIconState } from './tray.js';

/**
 * The tray icons, rendered by `electron/build.ts` from the app's icon
 * (`renderer/public/icon.svg`) into `electron/dist/tray/`:
 * - `<state>.png` (16 px) and `<state>@2x.png` (32 px) for each state, the
 *   icon with a small coloured badge in its lower right corner (Windows,
 *   Linux);
 * - `trayTemplate.png` / `trayTemplate@2x.png` for the macOS menu bar: black
 *   and transparent only (a "template image", which macOS colours for a
 *   light or dark bar), made from the icon's dark parts.
 */

/** The badge of each state: a filled dot (or a ring: not connected). */
const BADGES: Readonly<Record<TrayIconState, { readonly fill: string; readonly ring?: boolean }>> = {
  ok: { fill: '#2e9e4f' },
  syncing: { fill: '#2f7fd8' },
  conflicts: { fill: '#e08a00' },
  offline: { fill: '#8a8f98' },
  'not-connected': { fill: '#8a8f98', ring: true },
  error: { fill: '#d3312f' },
};

const TRAY_SIZES = [
  { suffix: '', size: 16 },
  { suffix: '@2x', size: 32 },
] as const;

function badgeSvg(state: TrayIconState, size: number): Buffer {
  const b = BADGES[state];
  const r = size * 0.21;
  const c = size - r - size * 0.04;
  const edge = Math.max(1, size * 0.07);
  const dot = b.ring
    ? `<circle cx="${c}" cy="${c}" r="${r}" fill="#ffffff" stroke="${b.fill}" stroke-width="${edge * 1.6}"/>`
    : `<circle cx="${c}" cy="${c}" r="${r}" fill="${b.fill}" stroke="#ffffff" stroke-width="${edge}"/>`;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${dot}</svg>`);
}

async function renderIcon(svg: Buffer, size: number): Promise<Buffer> {
  return sharp(svg, { density: Math.max(72, Math.ceil((72 * size) / 16)) })
    .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer();
}

/** Black where the icon is dark and opaque, transparent elsewhere (smooth edges kept in the alpha). */
async function templateOf(svg: Buffer, size: number): Promise<Buffer> {
  const { data, info } = await sharp(await renderIcon(svg, size)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < info.width * info.height; i++) {
    const r = data[i * 4] ?? 0;
    const g = data[i * 4 + 1] ?? 0;
    const b = data[i * 4 + 2] ?? 0;
    const a = data[i * 4 + 3] ?? 0;
    const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    // Dark (the body, the keyhole) → ink; light (the door) → see-through; a soft ramp between.
    const ink = Math.min(1, Math.max(0, (0.7 - luminance) / 0.2));
    out[i * 4 + 3] = Math.round(a * ink);
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
}

/** Writes every tray icon into `outDir`; returns the files written. */
export async function renderTrayIcons(iconSvg: string, outDir: string): Promise<string[]> {
  const svg = readFileSync(iconSvg);
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  for (const { suffix, size } of TRAY_SIZES) {
    const base = await renderIcon(svg, size);
    for (const state of TRAY_STATES) {
      const file = path.join(outDir, `${state}${suffix}.png`);
      await sharp(base).composite([{ input: badgeSvg(state, size), top: 0, left: 0 }]).png().toFile(file);
      files.push(file);
    }
    const template = path.join(outDir, `trayTemplate${suffix}.png`);
    await sharp(await templateOf(svg, size)).toFile(template);
    files.push(template);
  }
  return files;
}
