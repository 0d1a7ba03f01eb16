// One loopback address per running peer, leased across processes (node --test runs each file in its own
// process, and files run in parallel): a lease is a file created with O_EXCL that names the owning process, so
// a lease left by a process that died is taken over instead of leaking.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class AddressLeaseError extends Error {
  override readonly name = 'AddressLeaseError';
}

export interface AddressLease {
  readonly address: string;
  release(): void;
}

function ownerAlive(file: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 1) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Leases the first free address of `addresses` (tried from a random start, to spread parallel callers). */
export function leaseAddress(dir: string, addresses: readonly string[]): AddressLease {
  mkdirSync(dir, { recursive: true });
  const start = Math.floor(Math.random() * addresses.length);
  for (let i = 0; i < addresses.length; i++) {
    const address = addresses[(start + i) % addresses.length] as string;
    const file = join(dir, address);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        let released = false;
        return {
          address,
          release() {
            if (released) return;
            released = true;
            rmSync(file, { force: true });
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (ownerAlive(file)) break;
        rmSync(file, { force: true }); // stale: its process is gone; try once more
      }
    }
  }
  throw new AddressLeaseError(`all ${addresses.length} peer addresses are in use (leases in ${dir})`);
}

/** 127.0.0.<first>..127.0.0.<last> */
export function loopbackRange(first: number, last: number): string[] {
  return Array.from({ length: last - first + 1 }, (_, i) => `127.0.0.${first + i}`);
}
