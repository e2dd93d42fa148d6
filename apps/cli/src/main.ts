#!/usr/bin/env node
import { runCli } from './run-cli.js';

// The first Ctrl-C stops what runs (requests, waits) and exits 130; a second one kills at once.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  streams: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  signal: interrupt.signal,
});
