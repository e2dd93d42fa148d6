import { describe, expect, it } from '@jest/globals';

import { OutageBackoff } from './outage-backoff.js';

/** A logger that keeps its lines. */
function aLogger() {
  const lines: { level: 'error' | 'info'; fields: object; message: string }[] = [];
  return {
    lines,
    error: (fields: object, message: string) => lines.push({ level: 'error', fields, message }),
    info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
  };
}

describe(OutageBackoff.name, () => {
  it('should double the wait after each failure, up to its cap', () => {
    const sut = new OutageBackoff(aLogger(), { what: 'relay', baseDelayMs: 100, maxDelayMs: 1000 });

    const waits = Array.from({ length: 6 }, () => sut.failed(new Error('down')));

    expect(waits).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('should log an outage once when it starts and once when it ends, however many tries fail', () => {
    const logger = aLogger();
    const sut = new OutageBackoff(logger, { what: 'relay' });

    for (let i = 0; i < 50; i += 1) {
      sut.failed(new Error('connect ECONNREFUSED'), 1000 + i);
    }
    sut.succeeded(11_000);
    sut.succeeded(11_100);

    expect(logger.lines.map((line) => line.level)).toEqual(['error', 'info']);
    expect(logger.lines[1]?.fields).toMatchObject({ failures: 50, outageMs: 10_000 });
  });

  it('should start again from its first wait after a recovery', () => {
    const sut = new OutageBackoff(aLogger(), { what: 'relay', baseDelayMs: 100 });
    sut.failed(new Error('down'));
    sut.failed(new Error('down'));

    sut.succeeded();

    expect(sut.failing).toBe(false);
    expect(sut.failed(new Error('down again'))).toBe(100);
  });

  it('should never wait longer than the cap, however long the outage', () => {
    const sut = new OutageBackoff(aLogger(), { what: 'relay', baseDelayMs: 100, maxDelayMs: 5000 });

    let wait = 0;
    for (let i = 0; i < 10_000; i += 1) {
      wait = sut.failed(new Error('down'));
    }

    expect(wait).toBe(5000);
  });
});
