// Test helpers for the SIMPLE body tests: fixture loading (byte-exact, never pasted into template strings).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/presence/${name}`, import.meta.url)), 'utf8');
}

export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(fileURLToPath(new URL(`../../../fixtures/presence/${name}`, import.meta.url)));
}
