import { ALL_EXECUTION_STATUSES, createJobAndWait, type ExecutionStatus, unwrap } from '@meridian/client';
import { type Command, Option } from 'commander';

import { parseDurationMs, parseInstant, parseJsonValue, parsePositiveInteger, readJsonFile } from '../arguments.js';
import { type CliRuntime, CommandContext } from '../command-context.js';
import { renderExecutionsTable } from '../output/executions.view.js';
import { renderJobDetails, renderJobsTable } from '../output/jobs.view.js';
import { narrateTo, requireSucceeded, withFollowOptions } from './follow-execution.js';
import { type JobRequestFlags, jobRequestOf } from './job-request.js';
import { type PageOptions, printList, readList, withPageOptions } from './list-pages.js';

interface CreateOptions extends JobRequestFlags {
  file?: string;
  idempotencyKey?: string;
  wait?: boolean;
  waitTimeout: number;
  interval: number;
}

interface ListOptions extends PageOptions {
  status?: ExecutionStatus;
  name?: string;
  queue?: string;
}

/** `meridian jobs …`: create, get, list, cancel, delete, executions. */
export function registerJobsCommands(program: Command, runtime: CliRuntime): void {
  const jobs = program.command('jobs').description('create, read, list, cancel and delete jobs');

  const create = jobs
    .command('create')
    .description('create a job: one-off (now, --delay, --run-at) or recurring (--cron, --every)')
    .option('-f, --file <file.json>', 'the whole body of POST /v1/jobs as JSON (- reads stdin); flags override it')
    .option('--name <name>', 'human-readable name (filterable)')
    .option('--handler <handler>', '"http" or a registered handler, e.g. noop, sleep')
    .option('--payload <json>', "the handler's input as JSON", parseJsonValue)
    .option('--queue <queue>', 'queue to run on (default: default)')
    .option('--priority <n>', '0 to 1000, higher runs first', parseNonNegativeInteger)
    .addOption(
      new Option('--delay <duration>', 'run after this long, e.g. 10m').argParser(parseDurationMs).conflicts('runAt'),
    )
    .option('--run-at <instant>', 'run at this instant (ISO 8601, or now+10m)', (text) => parseInstant(text))
    .addOption(new Option('--cron <expression>', 'recur on a cron expression').conflicts('every'))
    .option('--every <duration>', 'recur at a fixed interval: 90s, 15m, 1h30m, 2d')
    .option('--timezone <zone>', 'IANA time zone of --cron (default UTC)')
    .option('--max-attempts <n>', 'attempts in all before the execution is DEAD (default 3)', parsePositiveInteger)
    .option('--backoff <duration>', 'delay before the first retry (default 1s)', parseDurationMs)
    .addOption(
      new Option('--backoff-type <type>', 'how retry delays grow (default exponential)').choices([
        'exponential',
        'fixed',
      ]),
    )
    .option('--attempt-timeout <duration>', 'time limit of each attempt (default 5m)', parseDurationMs)
    .option('--idempotency-key <key>', 'a retried create with this key and body answers the same job')
    .option('--wait', 'wait for the first execution to end, telling each attempt; exit 7 unless it succeeds');
  withFollowOptions(create, '--wait-timeout').action(async (options: CreateOptions, command: Command) => {
    const context = new CommandContext(runtime, command);
    const file = options.file === undefined ? undefined : await readJsonFile(options.file);
    const body = jobRequestOf(options, file);
    const { client, output, signal } = context;
    if (options.wait === true) {
      const { job, execution } = await createJobAndWait(client, body, {
        idempotencyKey: options.idempotencyKey,
        timeoutMs: options.waitTimeout,
        intervalMs: options.interval,
        signal,
        // With --json, the answer is the one document printed at the end, not a line a change.
        onChange: output.json ? undefined : narrateTo(output),
      });
      output.result({ job, execution }, (ended) => `Job ${ended.job.id} (${ended.job.name}): ${ended.job.status}`);
      requireSucceeded(execution);
      return;
    }
    const created = unwrap(
      await client.POST('/v1/jobs', {
        body,
        params: { header: options.idempotencyKey === undefined ? {} : { 'Idempotency-Key': options.idempotencyKey } },
        signal,
      }),
    );
    output.result(created, (job) => ('name' in job ? renderJobDetails(job) : `Created job ${job.id}: ${job.status}`));
  });

  jobs
    .command('get')
    .description('show a job: its settings, schedule and latest execution')
    .argument('<job>', 'the job id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const job = unwrap(await client.GET('/v1/jobs/{id}', { params: { path: { id } }, signal }));
      output.result(job, (read) => renderJobDetails(read));
    });

  withPageOptions(
    jobs
      .command('list')
      .description('list jobs, newest first')
      .addOption(
        new Option('--status <status>', 'jobs whose latest execution has this status').choices(ALL_EXECUTION_STATUSES),
      )
      .option('--name <name>', 'jobs of exactly this name')
      .option('--queue <queue>', 'jobs of this queue'),
  ).action(async (options: ListOptions, command: Command) => {
    const { client, output, signal } = new CommandContext(runtime, command);
    const { status, name, queue, limit } = options;
    const page = await readList(options, async (cursor) =>
      unwrap(
        await client.GET('/v1/jobs', {
          params: { query: { status, name, queue, limit, cursor } },
          signal,
        }),
      ),
    );
    printList(output, page, renderJobsTable);
  });

  jobs
    .command('cancel')
    .description("cancel a job's execution in flight (a recurring job's schedule keeps running: pause it)")
    .argument('<job>', 'the job id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      const job = unwrap(await client.POST('/v1/jobs/{id}/cancel', { params: { path: { id } }, signal }));
      output.result(job, (read) => `Cancelled job ${read.id} (${read.name}): ${read.status}`);
    });

  jobs
    .command('delete')
    .description('delete a job with its whole history, cancelling whatever still runs')
    .argument('<job>', 'the job id')
    .action(async (id: string, _options: object, command: Command) => {
      const { client, output, signal } = new CommandContext(runtime, command);
      unwrap(await client.DELETE('/v1/jobs/{id}', { params: { path: { id } }, signal }));
      output.message(`Deleted job ${id}.`);
    });

  withPageOptions(
    jobs.command('executions').description("list a job's executions, newest first").argument('<job>', 'the job id'),
  ).action(async (id: string, options: PageOptions, command: Command) => {
    const { client, output, signal } = new CommandContext(runtime, command);
    const page = await readList(options, async (cursor) =>
      unwrap(
        await client.GET('/v1/jobs/{id}/executions', {
          params: { path: { id }, query: { limit: options.limit, cursor } },
          signal,
        }),
      ),
    );
    printList(output, page, renderExecutionsTable);
  });
}

function parseNonNegativeInteger(text: string): number {
  return text.trim() === '0' ? 0 : parsePositiveInteger(text);
}
