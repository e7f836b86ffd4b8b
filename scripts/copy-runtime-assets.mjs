// Copies the runtime files that npm packages ship into public/, so the page serves them itself (no CDN).
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = [
  ['node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx', 'public/models/vad/silero_vad_v5.onnx'],
];
for (const [from, to] of assets) {
  const source = join(root, from);
  if (!existsSync(source)) {
    console.error(`copy-runtime-assets: ${from} is missing; run 'npm install' first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(source, join(root, to));
}
console.log(`copy-runtime-assets: ${assets.length} file(s) copied into public/`);
