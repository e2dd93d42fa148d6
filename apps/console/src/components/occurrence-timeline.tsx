import type { JobSchedule, Occurrence } from '@meridian/client/browser';

import { formatInstant } from '../format.js';
import { OCCURRENCE_KINDS, occurrenceKind, occurrenceReason } from '../occurrence-reason.js';

interface OccurrenceTimelineProps {
  occurrences: Occurrence[];
  schedule: JobSchedule;
  timeZone: string;
  onShowExecution: (executionId: string) => void;
}

/**
 * The ledger as a strip, oldest left, one mark per nominal time coloured by what became of it, and
 * the same rows as a table with the reason in words (the strip is decoration for those who see it;
 * the table is what a screen reader reads).
 */
export function OccurrenceTimeline({ occurrences, schedule, timeZone, onShowExecution }: OccurrenceTimelineProps) {
  if (occurrences.length === 0) {
    return <p class="muted">No occurrence handled yet.</p>;
  }
  const oldestFirst = [...occurrences].reverse();
  return (
    <>
      <ol class="timeline" aria-hidden="true">
        {oldestFirst.map((occurrence) => (
          <li
            key={occurrence.nominalTime}
            class={`mark occurrence-${occurrenceKind(occurrence)}`}
            title={`${formatInstant(occurrence.nominalTime, timeZone)}: ${occurrenceReason(occurrence, schedule)}`}
          />
        ))}
      </ol>
      <ul class="legend" aria-label="Legend">
        {OCCURRENCE_KINDS.map(({ kind, label }) => (
          <li key={kind}>
            <span class={`swatch occurrence-${kind}`} aria-hidden="true" /> {label}
          </li>
        ))}
      </ul>
      <table class="list occurrences">
        <caption>Past occurrences, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Nominal time ({timeZone})</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reason</th>
            <th scope="col">Execution</th>
          </tr>
        </thead>
        <tbody>
          {occurrences.map((occurrence) => (
            <tr key={occurrence.nominalTime} data-outcome={occurrence.outcome}>
              <td>{formatInstant(occurrence.nominalTime, timeZone)}</td>
              <td>
                <span class={`badge occurrence-${occurrenceKind(occurrence)}`}>{occurrence.outcome}</span>
              </td>
              <td>{occurrenceReason(occurrence, schedule)}</td>
              <td>
                {occurrence.executionId === null ? (
                  '—'
                ) : (
                  <button type="button" class="link" onClick={() => onShowExecution(occurrence.executionId ?? '')}>
                    <code>{occurrence.executionId.slice(0, 8)}</code>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
