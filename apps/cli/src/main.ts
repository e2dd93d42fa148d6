#!/usr/bin/env node
import { runCli } from './run-cli.js';

// The first Ctrl-C stops what runs (requests, waits) and exits 130; a second one kills at once.
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));

// A reader that stops early (`meridian jobs list | head -1`) has what it wanted: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    throw error;
  }
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  streams: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  signal: interrupt.signal,
});
