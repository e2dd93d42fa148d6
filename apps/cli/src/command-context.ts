import { createMeridianClient, type MeridianClient } from '@meridian/client';
import type { Command } from 'commander';

import { apiConnectionOf, type CliEnvironment, type GlobalOptions } from './api-connection.js';
import { Output, type OutputStreams } from './output/output.js';

/** What one run of `meridian` is given from outside: its environment, its streams, Ctrl-C. */
export interface CliRuntime {
  env: CliEnvironment;
  streams: OutputStreams;
  /** Aborted on Ctrl-C: requests in flight and waits stop, and the run ends with 130. */
  signal: AbortSignal;
}

/**
 * What a command's action works with: its output (text or `--json`) and the API client, made from
 * the global options and the environment on first use, so that `--help` and usage errors need no key.
 */
export class CommandContext {
  readonly output: Output;
  readonly signal: AbortSignal;
  private readonly options: GlobalOptions;
  private meridianClient: MeridianClient | undefined;

  constructor(
    private readonly runtime: CliRuntime,
    command: Command,
  ) {
    this.options = command.optsWithGlobals<GlobalOptions>();
    this.output = new Output(runtime.streams, this.options.json === true);
    this.signal = runtime.signal;
  }

  get client(): MeridianClient {
    if (this.meridianClient === undefined) {
      const { url, apiKey } = apiConnectionOf(this.options, this.runtime.env);
      this.meridianClient = createMeridianClient({ baseUrl: url, apiKey });
    }
    return this.meridianClient;
  }
}
