// The OS's idle time as the core's IdleSource (automatic Away after the settings' idle minutes). main.ts
// passes `() => powerMonitor.getSystemIdleTime()`; the reading is sanitised here so a platform that
// answers nonsense (negative, NaN) reads as "active" rather than starting Away.
import type { IdleSource } from '../core/presence/idle-source';

export function systemIdleSource(readSeconds: () => number): IdleSource {
  return {
    idleSeconds: () => {
      const seconds = readSeconds();
      return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    },
  };
}
