import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';

import { parseDurationMs, parseInstant, parseJsonValue, parsePositiveInteger, readJsonFile } from './arguments.js';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

describe(parseDurationMs.name, () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['250', 250],
    [' 10s ', 10_000],
  ])('should read %p as %p ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['soon', '1.5s', '-5s', '10 minutes', ''])('should refuse %p as a usage error', (text) => {
    expect(() => parseDurationMs(text)).toThrow(InvalidArgumentError);
  });
});

describe(parseJsonValue.name, () => {
  it('should read any JSON value', () => {
    expect(parseJsonValue('{"ms": 10, "fail": true}')).toEqual({ ms: 10, fail: true });
    expect(parseJsonValue('[1,2]')).toEqual([1, 2]);
    expect(parseJsonValue('"text"')).toBe('text');
  });

  it('should refuse text that is not JSON, saying why', () => {
    expect(() => parseJsonValue('{ms: 10}')).toThrow(/^expected JSON \(/);
  });
});

describe(parsePositiveInteger.name, () => {
  it('should read a whole number of at least 1', () => {
    expect(parsePositiveInteger('3')).toBe(3);
    expect(parsePositiveInteger('1000')).toBe(1000);
  });

  it.each(['0', '-1', '2.5', 'three', ''])('should refuse %p', (text) => {
    expect(() => parsePositiveInteger(text)).toThrow(InvalidArgumentError);
  });
});

describe(parseInstant.name, () => {
  const now = () => new Date('2026-03-02T09:30:00.000Z');

  it('should read an ISO 8601 date-time as the UTC instant the API takes', () => {
    expect(parseInstant('2026-03-02T10:30:00+01:00', now)).toBe('2026-03-02T09:30:00.000Z');
    expect(parseInstant('2024-01-01T00:00:00Z', now)).toBe('2024-01-01T00:00:00.000Z');
  });

  it('should read now, and now plus or minus a duration', () => {
    expect(parseInstant('now', now)).toBe('2026-03-02T09:30:00.000Z');
    expect(parseInstant('now-3h', now)).toBe('2026-03-02T06:30:00.000Z');
    expect(parseInstant('now+10m', now)).toBe('2026-03-02T09:40:00.000Z');
  });

  it.each(['yesterday', '2026-03-02', 'now-soon', '2026-13-45T99:00:00Z'])('should refuse %p', (text) => {
    expect(() => parseInstant(text, now)).toThrow(InvalidArgumentError);
  });
});

describe(readJsonFile.name, () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'meridian-arguments-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('should read the JSON of a file, and of stdin for -', async () => {
    const path = join(directory, 'job.json');
    await writeFile(path, '{"name":"from-file"}');

    await expect(readJsonFile(path)).resolves.toEqual({ name: 'from-file' });
    await expect(readJsonFile('-', () => Promise.resolve('{"name":"from-stdin"}'))).resolves.toEqual({
      name: 'from-stdin',
    });
  });

  it('should be a usage error when the file cannot be read or is not JSON', async () => {
    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{ nope');

    await expect(readJsonFile(join(directory, 'missing.json'))).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      lines: [expect.stringMatching(/^cannot read .*missing\.json: ENOENT/)],
    });
    await expect(readJsonFile(broken)).rejects.toThrow(CliError);
    await expect(readJsonFile(broken)).rejects.toMatchObject({
      exitCode: ExitCode.Usage,
      lines: [expect.stringMatching(/broken\.json is not JSON: /)],
    });
  });
});
