#!/usr/bin/env node
// Renders renderer/public/icon.svg to the PNG icons electron-builder and the tray need, with Debian's
// Chromium in headless mode (no rsvg-convert or ImageMagick on our build machines). The PNGs are
// committed; run this again only when the SVG changes: `node build/icons/render-icons.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const svg = readFileSync(join(root, 'renderer/public/icon.svg'), 'utf8');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const outputs = [
  ['build/icons/icon.png', 512],
  ['build/icons/tray/tray.png', 64],
];

const work = mkdtempSync(join(tmpdir(), 'parley-icons-'));
try {
  for (const [file, size] of outputs) {
    const page = join(work, `icon-${size}.html`);
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    writeFileSync(page, `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const r = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1',
      `--window-size=${size},${size}`, '--default-background-color=00000000',
      `--user-data-dir=${join(work, 'profile')}`, `--screenshot=${join(root, file)}`, pathToFileURL(page).toString(),
    ], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    console.log(`${file} (${size}×${size})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
