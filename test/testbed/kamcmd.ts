// Kamailio's RPC over its ctl socket (binrpc), through the kamcmd tool shipped with the kamailio package.
import { execFile } from 'node:child_process';

export class KamcmdError extends Error {
  override readonly name = 'KamcmdError';
}

export function kamcmd(ctlSocket: string, args: readonly string[], timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kamcmd', ['-s', `unix:${ctlSocket}`, ...args], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new KamcmdError(`kamcmd ${args.join(' ')}: ${stderr.trim() || stdout.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}
