import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Redis } from 'ioredis';

import { freePort } from './app-process.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** Empties this Redis (never the shared one): what a Redis that lost its memory looks like. */
  flushAll(): Promise<void>;
  /** Stops the server and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Stops the server for good and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A `redis-server` of the test's own on a free port, with its own directory under the system temp
 * directory and no RDB snapshots, so a fault test can flush, restart or kill it without touching the
 * shared Redis. With `appendOnly`, what was written survives a restart, as on a persistent deployment.
 */
export async function startPrivateRedis(options: { appendOnly?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'meridian-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess = await launch(port, dir, options.appendOnly ?? false);
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  };
  return {
    url,
    port,
    async flushAll() {
      const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
    },
    async restart() {
      await halt();
      child = await launch(port, dir, options.appendOnly ?? false);
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string, appendOnly: boolean): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return child;
}
