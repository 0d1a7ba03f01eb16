// SIP users of the testbed, created per test. The registrar authenticates against Kamailio's `users` htable
// (pv_auth_check in kamailio/common.cfg), which RPC changes at runtime: a user works the moment createUser
// resolves. The same user is appended to the db_text table the htable loads at start, so it survives
// stopDomain/startDomain.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { XcapClient } from '../../electron/core/xcap/xcap-client';
import { buildPresRules, PRES_RULES_AUID, PRES_RULES_TYPE } from '../../electron/sip/simple/pres-rules';
import { kamcmd } from './kamcmd';
import { runPaths, xcapRootOf } from './layout';
import type { DomainName, RunPaths } from './layout';
import { isDomainRunning } from './testbed';

export interface TestUser {
  readonly user: string;
  readonly password: string;
  /** sip:user@domain */
  readonly aor: string;
  readonly domain: DomainName;
}

export interface CreateUserOptions {
  /** Exact user name (default: `<prefix><random hex>`). */
  readonly name?: string;
  /** Readable start of a random name, e.g. 'alice' → 'alice3f9a0c12'. Default 'u'. */
  readonly prefix?: string;
  readonly password?: string;
  /**
   * Presence authorization is on (pres-rules, kamailio/common.cfg). 'allow-all' (default) stores a pres-rules
   * document letting everybody watch, as before authorization existed; 'none' stores nothing (watchers wait).
   */
  readonly presRules?: 'allow-all' | 'none';
}

const USER_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny cross-process lock (mkdir is atomic): several test files may add users to one table at once. */
async function withLock<T>(dir: string, fn: () => T): Promise<T> {
  const lock = `${dir}/.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 200) rmdirSync(lock); // a holder that died; the critical section takes microseconds
      await sleep(5);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

async function rpcIfUp(paths: RunPaths, d: DomainName, args: string[]) {
  if (!isDomainRunning(paths, d)) return; // picked up from the table when the domain starts
  await kamcmd(paths.ctlSocket(d), args);
}

export async function createUser(runDir: string, domain: DomainName, opts: CreateUserOptions = {}): Promise<TestUser> {
  const paths = runPaths(runDir);
  const user = opts.name ?? `${opts.prefix ?? 'u'}${randomBytes(4).toString('hex')}`;
  // Values are db_text fields (':' separates them) and digest parameters: keep to a safe alphabet.
  // Never a leading '-': kamcmd would read the password as an option ("Unknown option `-6'").
  const password = opts.password ?? `p${randomBytes(12).toString('base64url')}`;
  if (!USER_RE.test(user)) throw new Error(`invalid user name ${user}`);
  if (!/^[A-Za-z0-9._~-]+$/.test(password)) throw new Error('password must match [A-Za-z0-9._~-]+');
  const table = paths.userTable(domain);
  if (!existsSync(table)) throw new Error(`no user table at ${table}: is the testbed started?`);
  await withLock(paths.userDb(domain), () => {
    const kept = readFileSync(table, 'utf8').split('\n').filter((l, i) => i === 0 || (l && l.split(':')[1] !== user));
    // id(int,auto) key_name key_type(0 = plain key) value_type(0 = string) key_value expires(0 = never)
    kept.push(`${randomInt(1, 2 ** 31 - 1)}:${user}:0:0:${password}:0`);
    writeFileSync(table, `${kept.join('\n')}\n`);
  });
  await rpcIfUp(paths, domain, ['htable.sets', 'users', user, password]);
  const aor = `sip:${user}@${domain}`;
  if ((opts.presRules ?? 'allow-all') === 'allow-all' && isDomainRunning(paths, domain)) {
    await new XcapClient({ root: xcapRootOf(domain), xui: aor, username: user, password }).put(PRES_RULES_AUID, buildPresRules({ allow: [], block: [], others: 'allow' }), PRES_RULES_TYPE);
  }
  return { user, password, aor, domain };
}

/** Removes the user: credentials (now and after a restart) and any registered contacts. */
export async function deleteUser(runDir: string, u: Pick<TestUser, 'user' | 'domain'>): Promise<void> {
  const paths = runPaths(runDir);
  const table = paths.userTable(u.domain);
  if (existsSync(table)) {
    await withLock(paths.userDb(u.domain), () => {
      const kept = readFileSync(table, 'utf8').split('\n').filter((l, i) => i === 0 || (l && l.split(':')[1] !== u.user));
      writeFileSync(table, `${kept.join('\n')}\n`);
    });
  }
  await rpcIfUp(paths, u.domain, ['htable.delete', 'users', u.user]).catch(() => undefined);
  // ul.rm fails with "AOR not found" when nothing is registered: that is fine.
  await rpcIfUp(paths, u.domain, ['ul.rm', 'location', u.user]).catch(() => undefined);
}

