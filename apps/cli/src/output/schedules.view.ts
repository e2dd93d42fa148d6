import type { Occurrence, UpcomingRuns } from '@meridian/client';

import type { BackfillResult, TriggerResult } from './schema-types.js';
import { renderTable } from './table.js';
import { formatInstant } from './time-format.js';

/** The next nominal runs, in UTC and in the schedule's zone (where DST changes show). */
export function renderUpcomingRuns(upcoming: UpcomingRuns): string {
  if (upcoming.items.length === 0) {
    return 'No upcoming runs: the schedule has ended.';
  }
  const table = renderTable(
    ['nominal time', 'local time'],
    upcoming.items.map((run) => [formatInstant(run.nominalTime), run.local]),
  );
  return `Time zone: ${upcoming.timezone}\n\n${table}`;
}

/** The occurrence ledger, newest first. */
export function renderOccurrencesTable(occurrences: readonly Occurrence[]): string {
  if (occurrences.length === 0) {
    return 'No occurrences yet.';
  }
  return renderTable(
    ['nominal time', 'outcome', 'execution', 'recorded'],
    occurrences.map((occurrence) => [
      formatInstant(occurrence.nominalTime),
      occurrence.outcome,
      occurrence.executionId ?? '-',
      formatInstant(occurrence.recordedAt),
    ]),
  );
}

export function renderTriggerResult(result: TriggerResult): string {
  const lines = [
    result.buffered
      ? `Buffered execution ${result.executionId}: it runs once the runs in flight end.`
      : `Started execution ${result.executionId}.`,
  ];
  if (result.cancelled.length > 0) {
    lines.push(`Cancelled to make way for it: ${result.cancelled.join(', ')}`);
  }
  return lines.join('\n');
}

export function renderBackfillResult(result: BackfillResult): string {
  const verb = result.dryRun ? 'would run' : 'run';
  const summary = `${result.backfilled} occurrence(s) ${verb}, ${result.deduplicated} already had a run${
    result.dryRun ? ' (dry run: nothing written)' : ''
  }.`;
  if (result.items.length === 0) {
    return summary;
  }
  const table = renderTable(
    ['nominal time', 'result', 'before', 'execution'],
    result.items.map((item) => [
      formatInstant(item.nominalTime),
      item.result,
      item.previousOutcome ?? '-',
      item.executionId ?? '-',
    ]),
  );
  return `${summary}\n\n${table}`;
}
