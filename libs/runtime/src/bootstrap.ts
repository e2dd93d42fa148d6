import { loadConfig, type MeridianConfig } from '@meridian/config';
import { DomainError } from '@meridian/domain';
import type { DynamicModule } from '@nestjs/common';
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
  runMain(async () => {
    const config = loadConfigOrExit();
    const app = await NestFactory.createApplicationContext(module(config), { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.init();
  });
}
