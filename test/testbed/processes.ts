// Background processes of the testbed, each started detached with a pid file and stopped by that PID only
// (never by name: other engineers' processes of the same name may run on this machine).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Started {
  readonly pid: number;
}

/** Starts `cmd args` detached (own process group), stdout+stderr to logFile, and records its PID. */
export function startProcess(cmd: string, args: string[], opts: { pidFile: string; logFile: string; cwd?: string }): Started {
  mkdirSync(dirname(opts.pidFile), { recursive: true });
  const log = openSync(opts.logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], cwd: opts.cwd });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    writeFileSync(opts.pidFile, `${child.pid}\n`);
    child.unref();
    return { pid: child.pid };
  } finally {
    closeSync(log);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** Alive and not a zombie (a detached child we did not reap shows as 'Z' until its parent exits). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The command name of a PID (from /proc), to avoid signalling a recycled PID that is not ours. */
export function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL the process group (the process and the children it forked, such
 * as Kamailio's workers, which share its group because we started it detached). Removes the pid file.
 */
export async function stopProcess(pidFile: string, expectedComm: readonly string[], graceMs = 4000): Promise<'stopped' | 'killed' | 'absent'> {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid) || !expectedComm.includes(commandOf(pid) ?? '')) {
    rmSync(pidFile, { force: true });
    return 'absent';
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) && !groupAlive(pid)) {
      rmSync(pidFile, { force: true });
      return 'stopped';
    }
    await sleep(25);
  }
  signalGroup('SIGKILL');
  for (let i = 0; i < 40 && (isAlive(pid) || groupAlive(pid)); i++) await sleep(25);
  rmSync(pidFile, { force: true });
  return 'killed';
}

/** Whether any live process is still in process group `pgid` (scans /proc; only our own group id). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(-pgid, 0) also succeeds for zombies; look for a non-zombie member.
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' && Number(rest[2]) === pgid) return true;
    } catch {
      /* raced with exit */
    }
  }
  return false;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
