// Draws an unread count into a tray icon bitmap, for trays that have no badge (Windows, Linux). Pure
// raster code over an RGBA buffer so plain-Node tests can check pixels; tray.ts converts to and from
// nativeImage (whose bitmaps are BGRA on Windows and Linux, hence swapRedBlue).
//
// The digits come from a 3×5 pixel font scaled by whole pixels: crisp at 16 px and above, and no font
// file or canvas is needed in the main process.

export interface RgbaBitmap {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, row-major, R G B A. */
  readonly data: Uint8Array;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** 3×5 glyphs, one string per row, '#' = ink. */
export const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

const GLYPH_W = 3;
const GLYPH_H = 5;
export const BADGE_COLOR = [0xd9, 0x30, 0x25, 0xff] as const;
export const INK_COLOR = [0xff, 0xff, 0xff, 0xff] as const;

export class RasterError extends Error {
  override readonly name = 'RasterError';
}

/** Pixel scale of the font for an icon: 1 at 16 px, 2 at 32 px, … */
export function fontScale(iconHeight: number): number {
  return Math.max(1, Math.floor(iconHeight / 16));
}

/** Where the badge goes: a pill in the bottom-right corner, at least as wide as it is high. */
export function badgeRect(iconWidth: number, iconHeight: number, text: string): Rect {
  const s = fontScale(iconHeight);
  const textWidth = text.length * GLYPH_W * s + Math.max(0, text.length - 1) * s;
  const height = Math.min(iconHeight, (GLYPH_H + 4) * s);
  const width = Math.min(iconWidth, Math.max(height, textWidth + 4 * s));
  return { x: iconWidth - width, y: iconHeight - height, width, height };
}

/** A copy of `icon` with `text` (digits and '+') drawn on a red pill; '' returns an unchanged copy. */
export function drawBadge(icon: RgbaBitmap, text: string): RgbaBitmap {
  if (icon.data.length !== icon.width * icon.height * 4) {
    throw new RasterError(`bitmap is ${icon.data.length} bytes, expected ${icon.width}×${icon.height}×4`);
  }
  for (const ch of text) if (!(ch in GLYPHS)) throw new RasterError(`no glyph for ${JSON.stringify(ch)}`);
  const out: RgbaBitmap = { width: icon.width, height: icon.height, data: Uint8Array.from(icon.data) };
  if (text === '') return out;

  const rect = badgeRect(icon.width, icon.height, text);
  const radius = rect.height / 2;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      if (insidePill(x + 0.5, y + 0.5, rect, radius)) put(out, x, y, BADGE_COLOR);
    }
  }

  const s = fontScale(icon.height);
  const textWidth = text.length * GLYPH_W * s + (text.length - 1) * s;
  const textHeight = GLYPH_H * s;
  let penX = rect.x + Math.floor((rect.width - textWidth) / 2);
  const penY = rect.y + Math.floor((rect.height - textHeight) / 2);
  for (const ch of text) {
    const rows = GLYPHS[ch]!;
    for (let gy = 0; gy < GLYPH_H; gy++) {
      for (let gx = 0; gx < GLYPH_W; gx++) {
        if (rows[gy]![gx] !== '#') continue;
        for (let dy = 0; dy < s; dy++) for (let dx = 0; dx < s; dx++) put(out, penX + gx * s + dx, penY + gy * s + dy, INK_COLOR);
      }
    }
    penX += (GLYPH_W + 1) * s;
  }
  return out;
}

function insidePill(px: number, py: number, rect: Rect, radius: number): boolean {
  const left = rect.x + radius;
  const right = rect.x + rect.width - radius;
  const cy = rect.y + radius;
  const cx = Math.min(Math.max(px, left), right);
  return (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2;
}

function put(bitmap: RgbaBitmap, x: number, y: number, color: readonly number[]): void {
  if (x < 0 || y < 0 || x >= bitmap.width || y >= bitmap.height) return;
  const i = (y * bitmap.width + x) * 4;
  bitmap.data[i] = color[0]!;
  bitmap.data[i + 1] = color[1]!;
  bitmap.data[i + 2] = color[2]!;
  bitmap.data[i + 3] = color[3]!;
}

/** RGBA ⇄ BGRA (the same swap both ways); returns a new buffer. */
export function swapRedBlue(data: Uint8Array): Uint8Array {
  const out = Uint8Array.from(data);
  for (let i = 0; i + 3 < out.length; i += 4) {
    out[i] = data[i + 2]!;
    out[i + 2] = data[i]!;
  }
  return out;
}
