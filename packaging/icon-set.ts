import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { encodeIcns, encodeIco, ICNS_PNG_TYPES, type IcnsPngType } from './icon-formats.js';

/**
 * Every icon of the packaged app, drawn from one source, `renderer/public/icon.svg`
 * (the same picture the UI shows), into `packaging/resources/` (gitignored):
 *
 * - `icons/<n>x<n>.png`: the Linux icon set (electron-builder's folder layout);
 * - `icon.png`: 1024 px (electron-builder's fallback, and the AppImage's);
 * - `icon.ico`: Windows, PNG entries 16…256;
 * - `icon.icns`: macOS, PNG elements ic07…ic14.
 *
 * Each size is rendered from the SVG at that size (not scaled down from the
 * largest), so small sizes stay sharp.
 */

export const ROOT = path.resolve(import.meta.dirname, '..');
export const ICON_SOURCE = path.join(ROOT, 'renderer', 'public', 'icon.svg');
export const RESOURCES_DIR = path.join(ROOT, 'packaging', 'resources');

export const SET_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** Smallest first, as iconutil orders them. */
export const ICNS_TYPES: readonly IcnsPngType[] = ['ic11', 'ic12', 'ic07', 'ic13', 'ic08', 'ic14', 'ic09', 'ic10'];

/** The SVG's own width in user units (its viewBox), which is what sharp renders at 72 dpi. */
function svgWidth(svg: Buffer): number {
  const viewBox = /viewBox\s*=\s*"([^"]+)"/.exec(svg.toString('utf8'))?.[1]?.trim().split(/[\s,]+/).map(Number);
  const width = viewBox?.[2];
  if (width === undefined || !(width > 0)) throw new Error('icon.svg has no usable viewBox');
  return width;
}

/** The SVG drawn as a square PNG of `size` pixels. */
export async function renderPng(svg: Buffer, size: number): Promise<Buffer> {
  const density = (72 * size) / svgWidth(svg);
  return sharp(svg, { density })
    .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export interface GeneratedIcons {
  readonly dir: string;
  readonly files: readonly string[];
}

/** Renders every size once and writes the set, `icon.png`, `icon.ico` and `icon.icns` into `outDir`. */
export async function generateIcons(source = ICON_SOURCE, outDir = RESOURCES_DIR): Promise<GeneratedIcons> {
  const svg = await readFile(source);
  const sizes = [...new Set<number>([...SET_SIZES, ...ICO_SIZES, ...Object.values(ICNS_PNG_TYPES)])];
  const pngs = new Map<number, Buffer>();
  for (const size of sizes) pngs.set(size, await renderPng(svg, size));
  const png = (size: number): Buffer => {
    const found = pngs.get(size);
    if (!found) throw new Error(`no ${size} px rendering`);
    return found;
  };

  const setDir = path.join(outDir, 'icons');
  await mkdir(setDir, { recursive: true });
  const files: string[] = [];
  const put = async (file: string, bytes: Buffer): Promise<void> => {
    await writeFile(file, bytes);
    files.push(file);
  };
  for (const size of SET_SIZES) await put(path.join(setDir, `${size}x${size}.png`), png(size));
  await put(path.join(outDir, 'icon.png'), png(1024));
  await put(path.join(outDir, 'icon.ico'), encodeIco(ICO_SIZES.map(png)));
  await put(path.join(outDir, 'icon.icns'), encodeIcns(ICNS_TYPES.map((type) => ({ type, png: png(ICNS_PNG_TYPES[type]) }))));
  return { dir: outDir, files };
}
