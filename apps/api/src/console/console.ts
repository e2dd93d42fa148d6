import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type Request, type Response } from 'express';

export const CONSOLE_PATH = '/console';

/**
 * What the console's pages may do: load their own scripts and styles, and call this API. No inline
 * script, no other origin, no framing: a page that holds an API key in memory must not run anything
 * it did not ship with.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `pnpm build` put the console's files (apps/console/dist), found through its package. */
export function consoleDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('@meridian/console/package.json');
  return join(dirname(packageJson), 'dist');
}

/**
 * The web console at /console: static files built from apps/console, and its index.html for every
 * other path under it, so a reload or a shared link of a page (/console/jobs/…) opens that page.
 * Files need no key; everything the console shows comes from the API, with the key the person signs
 * in with. Hashed assets are cached for good; index.html is asked for again each time.
 */
export function mountConsole(app: NestExpressApplication, directory: string = consoleDirectory()): void {
  const index = join(directory, 'index.html');
  const built = existsSync(index);
  const headers = (response: Response): void => {
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
  };
  app.use(
    CONSOLE_PATH,
    express.static(directory, {
      index: false,
      fallthrough: true,
      setHeaders: (response, path) => {
        headers(response);
        response.setHeader(
          'Cache-Control',
          path.includes(`${join(directory, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
    (request: Request, response: Response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.status(405).setHeader('Allow', 'GET, HEAD').end();
        return;
      }
      if (!built) {
        response
          .status(404)
          .type('text/plain')
          .send('The console is not built: run `pnpm build`, which builds apps/console.\n');
        return;
      }
      headers(response);
      response.setHeader('Cache-Control', 'no-cache');
      response.sendFile(index);
    },
  );
}
