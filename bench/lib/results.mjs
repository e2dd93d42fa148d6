// The record of a run: one JSON file per run under bench/results/, named by its start time, with
// the machine, the commit, the settings and every benchmark's figures and raw rounds.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

import { machineInfo } from './proc.mjs';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const BENCH = fileURLToPath(new URL('../', import.meta.url));

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: BENCH, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** What the run ran on: cores, memory, Node, commit (and whether apps/ or libs/ had local changes), load. */
export function environment() {
  const dirty = git('status', '--porcelain', '--', '../apps', '../libs', '../prisma');
  return {
    ...machineInfo(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git('rev-parse', 'HEAD'),
    commitSubject: git('log', '-1', '--format=%s'),
    uncommittedChanges: dirty === 'unknown' ? 'unknown' : dirty !== '',
    loadAverageAtStart: loadavg(),
  };
}

/** `json` as the repository's prettier would write it (so `pnpm lint` passes over results), if it can. */
async function pretty(json, path) {
  try {
    const prettier = createRequire(new URL('../../package.json', import.meta.url))('prettier');
    const options = (await prettier.resolveConfig(path)) ?? {};
    return await prettier.format(json, { ...options, filepath: path });
  } catch {
    return json;
  }
}

/** Writes the run's record; answers its path. */
export async function writeResults(record) {
  mkdirSync(RESULTS, { recursive: true });
  const name = `${record.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`;
  const path = `${RESULTS}${name}`;
  const json = `${JSON.stringify({ ...record, loadAverageAtEnd: loadavg() }, null, 2)}\n`;
  writeFileSync(path, await pretty(json, path));
  return path;
}
