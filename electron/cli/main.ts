// Entry point of the `parley` bin (bundled to dist/cli/parley.cjs, so no top-level await).
import { runCli } from './cli';

let finished = false;
void runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  finished = true;
  process.exitCode = code;
});

// Protocol timers do not keep the process alive (electron/sip/clock.ts). Should the event loop ever run dry
// while a command still waits for an outcome, that must not pass for success: say so and fail.
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write('parley: stopped waiting for an outcome that can no longer arrive (the connection closed)\n');
  process.exitCode = 1;
});
