import { type Job, type JobSchedule, unwrap } from '@meridian/client/browser';
import { useState } from 'preact/hooks';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { formatInstant, formatRelative, localInputToIso, VIEWER_TIME_ZONE } from '../format.js';
import { describeSchedule } from '../schedule-text.js';
import { ActionButton } from './action-button.js';
import { ErrorNote, Loading } from './error-note.js';
import { OccurrenceTimeline } from './occurrence-timeline.js';

interface SchedulePanelProps {
  job: Job;
  onChanged: () => void;
  onShowExecution: (executionId: string) => void;
}

/** A recurring job's schedule: its state, the next runs, the ledger of past ones, and its controls. */
export function SchedulePanel({ job, onChanged, onShowExecution }: SchedulePanelProps) {
  const { client } = useSession();
  const schedule = job.schedule as JobSchedule;
  const id = job.id;
  const upcoming = usePolled(
    async (signal) =>
      unwrap(await client.GET('/v1/jobs/{id}/upcoming', { params: { path: { id }, query: { count: 10 } }, signal })),
    [id, schedule.state, schedule.nextRunAt],
    null,
  );
  const occurrences = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/jobs/{id}/occurrences', { params: { path: { id }, query: { limit: 100 } }, signal }),
      ),
    [id],
  );
  const refreshAll = (): void => {
    onChanged();
    occurrences.refresh();
    upcoming.refresh();
  };
  const timeZone = upcoming.data?.timezone ?? 'UTC';

  return (
    <section aria-labelledby="schedule-title" id="schedule">
      <h2 id="schedule-title">Schedule</h2>
      <dl class="facts">
        <dt>Definition</dt>
        <dd>
          <code>{describeSchedule(schedule)}</code>
        </dd>
        <dt>State</dt>
        <dd>
          <span class={`badge schedule-${schedule.state.toLowerCase()}`}>{schedule.state}</span>
          {schedule.pausedUntil !== null && ` until ${formatInstant(schedule.pausedUntil)}`}
          {schedule.pauseNote !== null && <q class="note">{schedule.pauseNote}</q>}
        </dd>
        <dt>Next run</dt>
        <dd>
          {formatInstant(schedule.nextRunAt, timeZone)}{' '}
          {schedule.nextRunAt !== null && `(${formatRelative(schedule.nextRunAt)})`}
        </dd>
        <dt>Policies</dt>
        <dd>
          overlap <code>{schedule.overlap}</code>, catch-up <code>{schedule.catchUp.policy}</code> within{' '}
          {Math.round(schedule.catchUp.windowMs / 1000)} s
        </dd>
        <dt>Occurrences handled</dt>
        <dd>{schedule.occurrences}</dd>
      </dl>
      <ScheduleControls job={job} onChanged={refreshAll} />

      <h3 id="upcoming-title">Next runs</h3>
      <ErrorNote error={upcoming.error} />
      {upcoming.data === undefined ? (
        <Loading what="the next runs" />
      ) : upcoming.data.items.length === 0 ? (
        <p class="muted">No run ahead{schedule.state === 'PAUSED' ? ' while paused' : ''}.</p>
      ) : (
        <table class="list upcoming" aria-labelledby="upcoming-title">
          <thead>
            <tr>
              <th scope="col">In the schedule&apos;s zone ({timeZone})</th>
              <th scope="col">In yours ({VIEWER_TIME_ZONE})</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {upcoming.data.items.map((run) => (
              <tr key={run.nominalTime}>
                <td>{run.local}</td>
                <td>{formatInstant(run.nominalTime)}</td>
                <td>{formatRelative(run.nominalTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Past occurrences</h3>
      <ErrorNote error={occurrences.error} />
      {occurrences.data === undefined ? (
        <Loading what="the occurrences" />
      ) : (
        <OccurrenceTimeline
          occurrences={occurrences.data.items}
          schedule={schedule}
          timeZone={timeZone}
          onShowExecution={onShowExecution}
        />
      )}
    </section>
  );
}

function ScheduleControls({ job, onChanged }: { job: Job; onChanged: () => void }) {
  const { client } = useSession();
  const schedule = job.schedule as JobSchedule;
  const id = job.id;
  return (
    <div class="schedule-controls">
      <div class="actions">
        {schedule.state === 'PAUSED' ? (
          <ActionButton
            label="Resume"
            run={async () => unwrap(await client.POST('/v1/jobs/{id}/resume', { params: { path: { id } } }))}
            onDone={onChanged}
          />
        ) : null}
        <ActionButton
          label="Trigger now"
          disabled={schedule.state === 'COMPLETED'}
          run={async () => unwrap(await client.POST('/v1/jobs/{id}/trigger', { params: { path: { id } } }))}
          onDone={onChanged}
        />
      </div>
      {schedule.state === 'ACTIVE' && <PauseForm jobId={id} onChanged={onChanged} />}
      <BackfillForm jobId={id} onChanged={onChanged} />
    </div>
  );
}

function PauseForm({ jobId, onChanged }: { jobId: string; onChanged: () => void }) {
  const { client } = useSession();
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  return (
    <details class="form-panel">
      <summary>Pause…</summary>
      <form class="stack" aria-label="Pause the schedule" onSubmit={(event) => event.preventDefault()}>
        <label>
          Note <span class="muted">(why, for whoever looks next)</span>
          <input type="text" maxLength={500} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </label>
        <label>
          Until <span class="muted">(optional; resumes by itself then, your time zone)</span>
          <input type="datetime-local" value={until} onInput={(event) => setUntil(event.currentTarget.value)} />
        </label>
        <ActionButton
          label="Pause schedule"
          run={async () =>
            unwrap(
              await client.POST('/v1/jobs/{id}/pause', {
                params: { path: { id: jobId } },
                body: { note: note.trim() || undefined, until: localInputToIso(until) },
              }),
            )
          }
          onDone={onChanged}
        />
      </form>
    </details>
  );
}

function BackfillForm({ jobId, onChanged }: { jobId: string; onChanged: () => void }) {
  const { client } = useSession();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [dryRun, setDryRun] = useState(true);
  const [outcome, setOutcome] = useState<string | null>(null);
  return (
    <details class="form-panel">
      <summary>Backfill…</summary>
      <form class="stack" aria-label="Backfill occurrences" onSubmit={(event) => event.preventDefault()}>
        <label>
          From <span class="muted">(your time zone)</span>
          <input type="datetime-local" required value={from} onInput={(event) => setFrom(event.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="datetime-local" required value={to} onInput={(event) => setTo(event.currentTarget.value)} />
        </label>
        <label class="inline">
          <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.currentTarget.checked)} /> Dry
          run: list what would run, write nothing
        </label>
        <ActionButton
          label={dryRun ? 'Preview backfill' : 'Backfill'}
          run={async () => {
            const result = unwrap(
              await client.POST('/v1/jobs/{id}/backfill', {
                params: { path: { id: jobId } },
                body: { from: localInputToIso(from) ?? from, to: localInputToIso(to) ?? to, dryRun },
              }),
            );
            setOutcome(
              `${result.dryRun ? 'Would run' : 'Running'} ${result.backfilled} occurrence(s); ${result.deduplicated} already had a run.`,
            );
          }}
          onDone={onChanged}
        />
        {outcome !== null && (
          <p role="status" class="muted">
            {outcome}
          </p>
        )}
      </form>
    </details>
  );
}
