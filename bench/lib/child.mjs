// Runs one exported function of a bench module in a Node process of its own, so that a baseline or
// a peer has a process to itself (as each Meridian app does) and its CPU and memory can be read.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { onCleanup } from './cleanup.mjs';

const ENTRY = fileURLToPath(new URL('./child-entry.mjs', import.meta.url));
const MARKER = '@@bench-result ';

/** Calls `fn(args)` of `module` (a path relative to bench/lib) in a child; answers its result. */
export function runInChild(module, fn, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, module, fn, JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const removeCleanup = onCleanup(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      removeCleanup();
      const line = out.split('\n').find((candidate) => candidate.startsWith(MARKER));
      if (line === undefined) {
        reject(new Error(`${module} ${fn} exited with ${code} and no result:\n${out.slice(-2000)}`));
        return;
      }
      const answer = JSON.parse(line.slice(MARKER.length));
      if (answer.error !== undefined) {
        reject(new Error(`${module} ${fn}: ${answer.error}`));
      } else {
        resolve(answer.result);
      }
    });
  });
}

/**
 * Starts `fn(args)` of `module` as a server in a child that prints '@@ready <port>' once it listens;
 * answers its port and pid, and `stop()`, which closes the child's stdin (its signal to clean up and
 * exit) and waits for it.
 */
export function startServerChild(module, fn, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, module, fn, JSON.stringify(args)], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: process.env,
    });
    const removeCleanup = onCleanup(() => child.kill('SIGKILL'));
    const exited = new Promise((done) => child.on('exit', done));
    let out = '';
    let ready = false;
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString('utf8');
      const match = /@@ready (\d+)/.exec(out);
      if (match && !ready) {
        ready = true;
        resolve({
          port: Number(match[1]),
          pid: child.pid,
          async stop() {
            child.stdin.end();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            await exited;
            clearTimeout(timer);
            removeCleanup();
          },
        });
      }
    });
    void exited.then((code) => {
      if (!ready) {
        removeCleanup();
        reject(new Error(`${module} ${fn} exited with ${code} before it was ready:\n${out.slice(-2000)}`));
      }
    });
  });
}
