import 'reflect-metadata';

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '@meridian/config';
import { NestFactory } from '@nestjs/core';

import { AppModule } from '../app.module.js';
import { buildApiDocument } from './api-document.js';

/** Where the document is written: `openapi.json` at the root of the repository. */
export const DOCUMENT_PATH = fileURLToPath(new URL('../../../../openapi.json', import.meta.url));

/**
 * Writes the API's OpenAPI document to `openapi.json`, at build time. The application is built in
 * preview mode: its routes are known but no provider is created, so nothing connects to Postgres or
 * Redis and the defaults of the configuration are enough.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false });
  await writeFile(DOCUMENT_PATH, `${JSON.stringify(buildApiDocument(app), null, 2)}\n`);
  await app.close();
}

await main();
