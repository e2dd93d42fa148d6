import type { Execution } from '@meridian/client';
import type { Command } from 'commander';

import { parseDurationMs } from '../arguments.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { ExecutionNarrator } from '../output/execution-narrator.js';
import { describeError } from '../output/executions.view.js';
import type { Output } from '../output/output.js';

/** How a command that follows an execution waits. */
export interface FollowOptions {
  /** How long to wait in all, in ms. */
  timeout: number;
  /** The pause between two reads, in ms. */
  interval: number;
}

/** Adds `--timeout`/`--interval` (or `--wait-timeout` for `jobs create`) to a command that follows an execution. */
export function withFollowOptions(command: Command, timeoutFlag: '--timeout' | '--wait-timeout'): Command {
  return command
    .option(
      `${timeoutFlag} <duration>`,
      'give up (exit 7) when the execution has not ended by then',
      parseDurationMs,
      // Below 2^31 ms: the client's waits run on Node timers, which overflow past it.
      24 * 3_600_000,
    )
    .option('--interval <duration>', 'how often to read the execution', parseDurationMs, 500);
}

/**
 * The `onChange` of a wait: each change told as it happens, as lines for a person or, with
 * `--json`, the execution read as one JSON line.
 */
export function narrateTo(output: Output): (execution: Execution) => void {
  const narrator = new ExecutionNarrator();
  return (execution) => output.event(execution, (read) => narrator.linesFor(read));
}

/** Ends the command with exit 7 unless the execution ended SUCCEEDED. */
export function requireSucceeded(execution: Execution): void {
  if (execution.status === 'SUCCEEDED') {
    return;
  }
  const why = execution.lastError === null ? '' : `: ${describeError(execution.lastError)}`;
  throw new CliError(ExitCode.ExecutionFailed, [
    `execution ${execution.id} of job ${execution.jobId} ended ${execution.status} after ${execution.attempt} attempt(s)${why}`,
  ]);
}
