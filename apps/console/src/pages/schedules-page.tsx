import { type JobSchedule, unwrap } from '@meridian/client/browser';
import { Link } from 'wouter-preact';

import { useSession } from '../api/session.js';
import { usePolled } from '../api/use-polled.js';
import { ErrorNote, Loading } from '../components/error-note.js';
import { Pager, useCursorPager } from '../components/pager.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatInstant, formatRelative } from '../format.js';
import { describeSchedule, scheduleTimeZone } from '../schedule-text.js';

/** Every recurring job: when it runs, whether it is paused, and what its latest run did. */
export function SchedulesPage(): preact.JSX.Element {
  const { client } = useSession();
  const pager = useCursorPager();
  const schedules = usePolled(
    async (signal) =>
      unwrap(
        await client.GET('/v1/jobs', {
          params: { query: { recurring: true, limit: 25, cursor: pager.cursor } },
          signal,
        }),
      ),
    [pager.cursor],
    5000,
  );
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      <ErrorNote error={schedules.error} />
      {schedules.data === undefined ? (
        <Loading what="schedules" />
      ) : schedules.data.items.length === 0 ? (
        <p class="muted">No recurring job in this namespace.</p>
      ) : (
        <table class="list">
          <caption class="visually-hidden">Recurring jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Schedule</th>
              <th scope="col">State</th>
              <th scope="col">Next run</th>
              <th scope="col">Latest run</th>
              <th scope="col">Overlap</th>
            </tr>
          </thead>
          <tbody>
            {schedules.data.items.map((job) => {
              const schedule = job.schedule as JobSchedule;
              const zone = scheduleTimeZone(schedule);
              return (
                <tr key={job.id}>
                  <td>
                    <Link href={`/jobs/${job.id}`}>{job.name}</Link>
                  </td>
                  <td>
                    <code>{describeSchedule(schedule)}</code>
                  </td>
                  <td>
                    <span class={`badge schedule-${schedule.state.toLowerCase()}`}>{schedule.state}</span>
                    {schedule.pauseNote !== null && <q class="note">{schedule.pauseNote}</q>}
                  </td>
                  <td title={formatInstant(schedule.nextRunAt)}>
                    {formatInstant(schedule.nextRunAt, zone)}
                    <br />
                    <span class="muted">{formatRelative(schedule.nextRunAt)}</span>
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <code>{schedule.overlap}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager
        pageNumber={pager.pageNumber}
        nextCursor={schedules.data?.nextCursor}
        onNext={pager.next}
        onPrevious={pager.previous}
      />
    </section>
  );
}
