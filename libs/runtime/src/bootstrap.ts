import { loadConfig, type MeridianConfig } from '@meridian/config';
import { DomainError } from '@meridian/domain';

/**
 * Loads the configuration or ends the process with one message naming every bad variable, before
 * anything connects anywhere.
 */
export function loadConfigOrExit(): MeridianConfig {
  try {
    return loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof DomainError ? error.message : String(error)}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** Runs an app's bootstrap; a failure to start is printed and ends the process with status 1. */
export function runMain(bootstrap: () => Promise<void>): void {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(
      `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
