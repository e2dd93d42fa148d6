/** Where a command writes: the process's stdout and stderr, or a test's buffers. */
export interface OutputStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * What a command prints: with `--json`, the API's answer as JSON on stdout and nothing else there,
 * so that `| jq` always parses; without it, text for a person. Notes (a next page, a hint) go to
 * stderr either way.
 */
export class Output {
  constructor(
    private readonly streams: OutputStreams,
    readonly json: boolean,
  ) {}

  /** `answer` as JSON with `--json`; otherwise what `human` renders from it. */
  result<T>(answer: T, human: (answer: T) => string): void {
    if (this.json) {
      this.streams.stdout(`${JSON.stringify(answer, null, 2)}\n`);
    } else {
      this.streams.stdout(`${human(answer)}\n`);
    }
  }

  /** One JSON document a line (NDJSON) with `--json`, for what a command reports as it happens. */
  event<T>(answer: T, human: (answer: T) => readonly string[]): void {
    if (this.json) {
      this.streams.stdout(`${JSON.stringify(answer)}\n`);
      return;
    }
    for (const line of human(answer)) {
      this.streams.stdout(`${line}\n`);
    }
  }

  /** A line for a person only (an answer with no body, like a 204); `--json` prints nothing. */
  message(text: string): void {
    if (!this.json) {
      this.streams.stdout(`${text}\n`);
    }
  }

  /** A remark beside the answer (a next page, a secret shown once), on stderr. */
  note(text: string): void {
    this.streams.stderr(`${text}\n`);
  }
}
