// The benches' clock: CPU time of the main thread (Linux schedstat), not wall time. The build machines are shared
// and loaded; wall time there measures the neighbours as much as the code, CPU time measures the code.
import { openSync, readSync } from 'node:fs';

/** The main thread's schedstat, opened once (the descriptor stays bound to this thread); null off Linux. */
const schedstat = ((): number | null => {
  try {
    return openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return null;
  }
})();
const statBuf = Buffer.alloc(64);

export const cpuClockName = schedstat === null ? 'process CPU' : 'main-thread CPU';

/** CPU time of the main thread in ns (first schedstat field); the whole process's elsewhere. */
export function cpuNs(): number {
  if (schedstat === null) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
  const len = readSync(schedstat, statBuf, 0, statBuf.length, 0);
  let ns = 0;
  for (let i = 0; i < len; i++) {
    const c = statBuf[i] as number;
    if (c < 48 || c > 57) break;
    ns = ns * 10 + (c - 48);
  }
  return ns;
}
