#!/usr/bin/env node
// The command-line face over src/core: connections, test, token, doctor, publish.
import { runCli } from './main';

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`posit-snowflake: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
