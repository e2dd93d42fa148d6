import { loadConfig, type MeridianConfig } from '@meridian/config';
import { DomainError } from '@meridian/domain';
import { flushTracing } from '@meridian/tracing';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';

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

/**
 * Starts a process without an HTTP server (scheduler, worker): configuration first, then the
 * module, with SIGTERM/SIGINT running the shutdown hooks.
 */
export function runBackgroundService(module: (config: MeridianConfig) => DynamicModule): void {
  const closeOnSignals = handleShutdownSignals();
  runMain(async () => {
    const config = loadConfigOrExit();
    const app = await NestFactory.createApplicationContext(module(config), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    closeOnSignals(app);
    await app.init();
  });
}

/**
 * Takes over SIGTERM and SIGINT at once, before the app exists, and returns the function that hands
 * it the app. On a signal the app's shutdown hooks run (stop taking work, finish or hand back
 * in-flight work, close connections) and the process exits 0; a signal that arrives while the app
 * is still starting is served as soon as it has started. (Nest's own signal handling re-raises the
 * signal after closing, so the process would end "killed by SIGTERM" instead of cleanly.) With
 * tracing on, the spans still batched are sent before the exit.
 */
export function handleShutdownSignals(): (app: INestApplicationContext) => void {
  let app: INestApplicationContext | undefined;
  let requested = false;
  let closing = false;
  const close = () => {
    if (app === undefined || closing) {
      return;
    }
    closing = true;
    app
      .close()
      // The spans of the work the drain finished, before the exit drops them.
      .then(() => flushTracing())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(
            `shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
          );
          process.exit(1);
        },
      );
  };
  const onSignal = () => {
    requested = true;
    close();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return (started) => {
    app = started;
    if (requested) {
      close();
    }
  };
}
