import { describe, expect, it } from '@jest/globals';
import { createMetricCatalog } from '@meridian/metrics';
import { anExecutionDispatch } from '@meridian/testing';

import { AttemptMetrics } from './attempt-metrics.js';

function setup() {
  const catalog = createMetricCatalog('worker', { processMetrics: false });
  const dispatch = anExecutionDispatch({
    handler: 'http',
    queue: 'default',
    namespace: 'acme',
    scheduledFor: new Date(10_000),
  });
  return { sut: new AttemptMetrics(catalog), catalog, dispatch };
}

describe(AttemptMetrics.name, () => {
  it('should measure the start lateness of the first attempt only', async () => {
    const { sut, catalog, dispatch } = setup();

    sut.started(dispatch, 1, 12_500);
    sut.started(dispatch, 2, 60_000);

    const values = (await catalog.startLateness.get()).values;
    expect(values.find((value) => value.metricName?.endsWith('_sum'))?.value).toBe(2.5);
    expect(values.find((value) => value.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('should label attempt durations by queue, handler and how the attempt ended', async () => {
    const { sut, catalog, dispatch } = setup();

    sut.finished(dispatch, { kind: 'succeeded', result: null }, 0.2);
    sut.finished(dispatch, { kind: 'failed', error: {}, retryable: true, timedOut: true }, 1);
    sut.finished(dispatch, { kind: 'shutdown' }, 3);

    const counts = (await catalog.attemptDuration.get()).values
      .filter((value) => value.metricName?.endsWith('_count'))
      .map((value) => value.labels);
    expect(counts).toEqual([
      { queue: 'default', handler: 'http', outcome: 'succeeded' },
      { queue: 'default', handler: 'http', outcome: 'timed_out' },
      { queue: 'default', handler: 'http', outcome: 'interrupted' },
    ]);
  });

  it('should count ended executions by namespace, queue, handler and outcome, never by id', async () => {
    const { sut, catalog, dispatch } = setup();

    sut.ended(dispatch, 'dead');
    sut.ended(dispatch, 'dead');

    expect((await catalog.executionsEnded.get()).values).toEqual([
      { labels: { namespace: 'acme', queue: 'default', handler: 'http', outcome: 'dead' }, value: 2 },
    ]);
  });
});
