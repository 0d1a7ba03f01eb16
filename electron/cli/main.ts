// Entry point of the `parley` bin (bundled to dist/cli/parley.cjs, so no top-level await).
import { runCli } from './cli';

void runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
