import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from '@jest/globals';
import { canTransition, EXECUTION_STATUSES, type ExecutionStatus, isInitial } from '@meridian/domain';

import { WRITTEN_CREATIONS, WRITTEN_TRANSITIONS } from './execution-transitions.js';

const pairsOf = (write: (typeof WRITTEN_TRANSITIONS)[number]) =>
  write.from.flatMap((from) => write.to.map((to) => [write.write, from, to] as const));
const WRITTEN_PAIRS = WRITTEN_TRANSITIONS.flatMap(pairsOf);

/** The other files of libs/db/src, its repositories and their internal modules, as text: none of them may write execution state. */
const SOURCE_DIR = new URL('..', import.meta.url);
const OTHER_SOURCES = readdirSync(SOURCE_DIR, { recursive: true, encoding: 'utf8' })
  .filter(
    (file) => file.endsWith('.ts') && !file.includes('spec.ts') && !file.endsWith('internal/execution-transitions.ts'),
  )
  .map((file) => ({ file, text: readFileSync(new URL(file, SOURCE_DIR), 'utf8') }));

/** The SET lists of the `UPDATE <table>` statements in `text`. */
const setListsOf = (text: string, table: string) =>
  [...text.matchAll(new RegExp(`UPDATE\\s+${table}\\b[^;]*?\\bSET\\b([^;]*?)\\b(WHERE|FROM|RETURNING)\\b`, 'g'))].map(
    (match) => match[1] ?? '',
  );
const setsStatus = (setList: string) => /(^|[\s,])status\s*=/.test(setList);

describe('execution transitions', () => {
  it.each(WRITTEN_PAIRS)('should write only legal transitions: "%s" moves %s -> %s', (_write, from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(WRITTEN_CREATIONS.map(({ write, status }) => [write, status]))(
    'should create executions only in an initial status: "%s" creates %s',
    (_write, status) => {
      expect(isInitial(status as ExecutionStatus)).toBe(true);
    },
  );

  it('should write the lifecycle as agreed, write by write', () => {
    const written = Object.fromEntries(
      WRITTEN_TRANSITIONS.map(({ write, from, to }) => [write, { from: [...from].sort(), to: [...to].sort() }]),
    );

    expect(written).toEqual({
      'start attempts': { from: ['PENDING', 'QUEUED', 'RETRYING', 'RUNNING'], to: ['RUNNING'] },
      'finish attempts': { from: ['RUNNING'], to: ['DEAD', 'RETRYING', 'SUCCEEDED'] },
      'mark queued': { from: ['PENDING'], to: ['QUEUED'] },
      'release attempt': { from: ['RUNNING'], to: ['QUEUED'] },
      cancel: { from: ['BLOCKED', 'PENDING', 'QUEUED', 'RETRYING', 'RUNNING'], to: ['CANCELLED'] },
      'cancel waiting': { from: ['BLOCKED', 'PENDING', 'QUEUED', 'RETRYING'], to: ['CANCELLED'] },
      'release blocked': { from: ['BLOCKED'], to: ['PENDING'] },
      'skip blocked': { from: ['BLOCKED'], to: ['SKIPPED'] },
    });
  });

  it('should write every transition the state machine allows, so that none is dead', () => {
    const legal = EXECUTION_STATUSES.flatMap((from) =>
      EXECUTION_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from} -> ${to}`),
    );
    const written = new Set(WRITTEN_PAIRS.map(([, from, to]) => `${from} -> ${to}`));

    expect(legal.filter((pair) => !written.has(pair))).toEqual([]);
  });

  it('should be the only file in libs/db that moves an execution or keeps jobs.status in step with it', () => {
    expect(OTHER_SOURCES.length).toBeGreaterThan(10);
    const writers = OTHER_SOURCES.filter(
      ({ text }) => setListsOf(text, 'executions').some(setsStatus) || setListsOf(text, 'jobs').some(setsStatus),
    );
    const prismaWriters = OTHER_SOURCES.filter(({ text }) =>
      /\.execution\.(update|updateMany|upsert)\(|\.job\.(update|updateMany|upsert)\(\{[^;]*?\bstatus\s*:/.test(text),
    );

    expect(writers.map(({ file }) => file)).toEqual([]);
    expect(prismaWriters.map(({ file }) => file)).toEqual([]);
  });

  it('should be the only file in libs/db that creates executions', () => {
    const creators = OTHER_SOURCES.filter(({ text }) =>
      /INSERT\s+INTO\s+executions\b|\.execution\.(create|createMany|upsert)\(/.test(text),
    );

    expect(creators.map(({ file }) => file)).toEqual([]);
  });
});
