// `npm run icons`: writes every icon of the packaged app from renderer/public/icon.svg into packaging/resources/.
import path from 'node:path';
import { generateIcons, ROOT } from './icon-set.js';

const started = performance.now();
const { files } = await generateIcons();
for (const file of files) process.stdout.write(`${path.relative(ROOT, file)}\n`);
process.stdout.write(`${files.length} icon files in ${Math.round(performance.now() - started)} ms\n`);
