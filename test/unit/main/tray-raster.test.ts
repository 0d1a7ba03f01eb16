// The unread count drawn into a tray icon bitmap (Linux and Windows trays have no badge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BADGE_COLOR, GLYPHS, INK_COLOR, RasterError, badgeRect, drawBadge, fontScale, swapRedBlue } from '../../../electron/main/tray-raster';
import type { RgbaBitmap } from '../../../electron/main/tray-raster';

function solid(size: number, rgba: readonly number[]): RgbaBitmap {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width: size, height: size, data };
}
function pixel(b: RgbaBitmap, x: number, y: number): number[] {
  const i = (y * b.width + x) * 4;
  return [...b.data.subarray(i, i + 4)];
}
const BLUE = [0x2f, 0x6f, 0xdf, 0xff];

test('no count: an identical copy, never the same buffer', () => {
  const icon = solid(16, BLUE);
  const out = drawBadge(icon, '');
  assert.deepEqual(out.data, icon.data);
  assert.notEqual(out.data, icon.data);
});

test('a count draws a red pill in the bottom-right with white digits; the rest is untouched', () => {
  const icon = solid(32, BLUE);
  const out = drawBadge(icon, '7');
  assert.deepEqual(icon.data, solid(32, BLUE).data, 'input not mutated');
  const rect = badgeRect(32, 32, '7');
  assert.equal(rect.x + rect.width, 32);
  assert.equal(rect.y + rect.height, 32);
  assert.deepEqual(pixel(out, 0, 0), BLUE);
  assert.deepEqual(pixel(out, 31, 0), BLUE);
  // The pill's left edge, mid-height, is badge red (the "7" glyph has no ink there).
  assert.deepEqual(pixel(out, rect.x + 1, rect.y + Math.floor(rect.height / 2)), [...BADGE_COLOR]);

  // Every ink pixel of the glyph is white and every non-ink pixel inside the text box is red.
  const s = fontScale(32);
  const textX = rect.x + Math.floor((rect.width - 3 * s) / 2);
  const textY = rect.y + Math.floor((rect.height - 5 * s) / 2);
  GLYPHS['7']!.forEach((row, gy) =>
    [...row].forEach((cell, gx) => {
      const p = pixel(out, textX + gx * s, textY + gy * s);
      assert.deepEqual(p, cell === '#' ? [...INK_COLOR] : [...BADGE_COLOR], `glyph cell ${gx},${gy}`);
    }),
  );
});

test('wider counts make a wider pill, still inside the icon', () => {
  const one = badgeRect(16, 16, '9');
  const three = badgeRect(16, 16, '99+');
  assert.ok(three.width > one.width);
  assert.ok(three.x >= 0);
  const out = drawBadge(solid(16, BLUE), '99+');
  const white = [];
  for (let i = 0; i < out.data.length; i += 4) if (out.data[i] === 0xff && out.data[i + 1] === 0xff) white.push(i);
  // "9" has 12 ink cells, "+" has 5: at scale 1 that is 12 + 12 + 5 white pixels.
  assert.equal(white.length, 29);
});

test('a transparent icon gets an opaque badge', () => {
  const out = drawBadge(solid(16, [0, 0, 0, 0]), '1');
  const rect = badgeRect(16, 16, '1');
  assert.equal(pixel(out, rect.x + 1, rect.y + Math.floor(rect.height / 2))[3], 0xff);
});

test('bad input is refused with a typed error', () => {
  assert.throws(() => drawBadge({ width: 4, height: 4, data: new Uint8Array(10) }, '1'), RasterError);
  assert.throws(() => drawBadge(solid(16, BLUE), 'x'), RasterError);
});

test('RGBA ⇄ BGRA swap is its own inverse and swaps only red and blue', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual([...swapRedBlue(data)], [3, 2, 1, 4, 7, 6, 5, 8]);
  assert.deepEqual(swapRedBlue(swapRedBlue(data)), data);
});
