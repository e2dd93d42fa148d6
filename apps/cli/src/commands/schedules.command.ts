import { unwrap } from '@meridian/client';
import { type Command, Option } from 'commander';

import { parseInstant, parsePositiveInteger } from '../arguments.js';
import { type CliRuntime, CommandContext } from '../command-context.js';
import { renderJobDetails } from '../output/jobs.view.js';
import {
  renderBackfillResult,
  renderOccurrencesTable,
  renderTriggerResult,
  renderUpcomingRuns,
} from '../output/schedules.view.js';
import { type PageOptions, printList, readList, withPageOptions } from './list-pages.js';

interface PauseOptions {
  note?: string;
  until?: string;
}

interface BackfillOptions {
  from: string;
  to: string;
  dryRun?: boolean;
  mode?: 'sequential' | 'parallel';
}

/** `meridian schedules …`: what a recurring job adds to a job. */
export function registerSchedulesCommands(program: Command, runtime: CliRuntime): void {
  const schedules = program
    .command('schedules')
    .description("a recurring job's schedule: preview, pause, resume, trigger, backfill, ledger");

  schedules
    .command('upcoming')
    .description("preview a recurring job's next nominal times, in UTC and in its time zone")
    .argument('<job>', 'the job id')
    .option('--count <n>', 'how many (1 to 100; default 10)', parsePositiveInteger)
    .action(async (id: string, options: { count?: number }, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const upcoming = unwrap(
        await client.GET('/v1/jobs/{id}/upcoming', {
          params: { path: { id }, query: { count: options.count } },
          signal,
        }),
      );
      output.result(upcoming, renderUpcomingRuns);
    });

  schedules
    .command('pause')
    .description('pause a recurring job: occurrences are recorded as PAUSED and do not run')
    .argument('<job>', 'the job id')
    .option('--note <text>', 'why, for whoever looks next')
    .option('--until <instant>', 'resume by itself then (ISO 8601, or now+2h)', (text) => parseInstant(text))
    .action(async (id: string, options: PauseOptions, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const job = unwrap(
        await client.POST('/v1/jobs/{id}/pause', {
          params: { path: { id } },
          body: { note: options.note, until: options.until },
          signal,
        }),
      );
      output.result(job, (paused) => renderJobDetails(paused));
    });

  schedules
    .command('resume')
    .description('resume a paused recurring job from its next occurrence')
    .argument('<job>', 'the job id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const job = unwrap(await client.POST('/v1/jobs/{id}/resume', { params: { path: { id } }, signal }));
      output.result(job, (resumed) => renderJobDetails(resumed));
    });

  schedules
    .command('trigger')
    .description('run a recurring job now, as its overlap policy allows')
    .argument('<job>', 'the job id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const result = unwrap(await client.POST('/v1/jobs/{id}/trigger', { params: { path: { id } }, signal }));
      output.result(result, renderTriggerResult);
    });

  schedules
    .command('backfill')
    .description('run the occurrences of a past range that have no run yet')
    .argument('<job>', 'the job id')
    .requiredOption('--from <instant>', 'first instant of the range, inclusive (ISO 8601, or now-3h)', (text) =>
      parseInstant(text),
    )
    .requiredOption('--to <instant>', 'last instant of the range, inclusive, not in the future', (text) =>
      parseInstant(text),
    )
    .option('--dry-run', 'list what would run and write nothing')
    .addOption(
      new Option('--mode <mode>', 'one run after another, or all at once (default sequential)').choices([
        'sequential',
        'parallel',
      ]),
    )
    .action(async (id: string, options: BackfillOptions, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const result = unwrap(
        await client.POST('/v1/jobs/{id}/backfill', {
          params: { path: { id } },
          body: {
            from: options.from,
            to: options.to,
            dryRun: options.dryRun === true,
            mode: options.mode ?? 'sequential',
          },
          signal,
        }),
      );
      output.result(result, renderBackfillResult);
    });

  withPageOptions(
    schedules
      .command('occurrences')
      .description("a recurring job's occurrence ledger, newest first: what became of each nominal time")
      .argument('<job>', 'the job id'),
  ).action(async (id: string, options: PageOptions, command: Command) => {
    const { client, output, signal } = new CommandContext(runtime, command);
    const page = await readList(options, async (cursor) =>
      unwrap(
        await client.GET('/v1/jobs/{id}/occurrences', {
          params: { path: { id }, query: { limit: options.limit, cursor } },
          signal,
        }),
      ),
    );
    printList(output, page, renderOccurrencesTable);
  });
}
