import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HandlerError } from '@meridian/domain';

import { aHandlerContext } from './handler-context.fixture.js';
import { createHttpHandler, httpPayloadSchema } from './http.handler.js';
import { TargetGuard } from './target-guard.js';

const context = aHandlerContext();

describe(TargetGuard.name, () => {
  describe('allows', () => {
    const guard = new TargetGuard();
    afterAll(() => guard.close());

    it.each([
      ['127.0.0.1', 'loopback'],
      ['10.1.2.3', 'private 10/8'],
      ['172.16.0.1', 'private 172.16/12'],
      ['192.168.1.1', 'private 192.168/16'],
      ['169.254.169.254', 'the cloud metadata address'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['::1', 'IPv6 loopback'],
      ['fe80::1', 'IPv6 link-local'],
      ['fd00:ec2::254', 'the IPv6 metadata address'],
      ['::ffff:127.0.0.1', 'loopback mapped into IPv6'],
      ['64:ff9b::a00:1', 'a NAT64 address of 10.0.0.1'],
    ])('should refuse %s (%s)', (address) => {
      expect(guard.allows(address)).toBe(false);
    });

    it.each(['93.184.215.14', '8.8.8.8', '2001:4860:4860::8888'])('should allow the public address %s', (address) => {
      expect(guard.allows(address)).toBe(true);
    });

    it('should allow an internal address inside a configured range, and only there', () => {
      const allowing = new TargetGuard(['10.20.0.0/16', '::1/128']);
      expect(allowing.allows('10.20.3.4')).toBe(true);
      expect(allowing.allows('::1')).toBe(true);
      expect(allowing.allows('10.21.0.1')).toBe(false);
      expect(allowing.allows('127.0.0.1')).toBe(false);
      return allowing.close();
    });
  });

  describe('in the http handler', () => {
    let server: Server;
    let port = 0;
    const received: string[] = [];
    const strict = new TargetGuard();
    const loopbackAllowed = new TargetGuard(['127.0.0.1/32']);

    beforeAll(async () => {
      server = createServer((request, response) => {
        received.push(request.url ?? '/');
        const to = new URL(request.url ?? '/', 'http://x').searchParams.get('to');
        if (to !== null) {
          response.writeHead(302, { location: to }).end();
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server.close();
      await Promise.all([strict.close(), loopbackAllowed.close()]);
    });

    async function refusal(guard: TargetGuard, url: string, runContext = context): Promise<HandlerError> {
      const handler = createHttpHandler({ maxResponseBytes: 1024, targetPolicy: guard });
      const before = received.length;
      try {
        await handler.run(httpPayloadSchema.parse({ url, method: 'GET' }), runContext);
      } catch (error) {
        if (error instanceof HandlerError) {
          expect(received.length - before).toBeLessThanOrEqual(1);
          return error;
        }
        throw error;
      }
      throw new Error(`expected ${url} to be refused`);
    }

    it.each([
      ['loopback', () => `http://127.0.0.1:${port}/secret`],
      ['a private 10.x address', () => 'http://10.0.0.1/admin'],
      ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
      ['an IPv6 loopback literal', () => `http://[::1]:${port}/`],
      ['a name that resolves to loopback', () => `http://localhost:${port}/secret`],
    ])('should refuse %s, for good and without sending the request', async (_case, url) => {
      const before = received.length;
      const error = await refusal(strict, url());

      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ reason: 'forbidden_target' });
      expect(received.length).toBe(before);
    });

    it('should tell the tenant no more than "not a public address", and the operator the address', async () => {
      const logged: Array<{ message: string; fields?: Record<string, unknown> }> = [];
      const log = {
        info: () => undefined,
        error: () => undefined,
        warn: (message: string, fields?: Record<string, unknown>) => logged.push({ message, fields }),
      };
      const url = `http://localhost:${port}/secret`;

      const error = await refusal(strict, url, { ...context, log });

      expect(error.message).toBe('refused: not a public address');
      expect(error.details).toEqual({ reason: 'forbidden_target', url });
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/127\.0\.0\.1|::1/);
      expect(logged).toEqual([
        {
          message: 'http target refused',
          fields: {
            host: 'localhost',
            address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/),
            deniedRange: expect.stringMatching(/^(127\.0\.0\.0\/8|::1\/128)$/),
            deniedBecause: expect.stringContaining('loopback'),
          },
        },
      ]);
    });

    it.each([
      ['a private address', 'http://10.1.2.3/internal'],
      ['the metadata address', 'http://169.254.169.254/latest/meta-data/iam'],
    ])('should refuse a redirect to %s from an allowed target', async (_case, to) => {
      const error = await refusal(loopbackAllowed, `http://127.0.0.1:${port}/go?to=${encodeURIComponent(to)}`);

      expect(error.retryable).toBe(false);
      expect(error.details).toMatchObject({ reason: 'forbidden_target', url: to });
    });

    it('should call an allowed internal target', async () => {
      const handler = createHttpHandler({ maxResponseBytes: 1024, targetPolicy: loopbackAllowed });
      await expect(
        handler.run(httpPayloadSchema.parse({ url: `http://127.0.0.1:${port}/fine`, method: 'GET' }), context),
      ).resolves.toMatchObject({ status: 200, body: { ok: true } });
    });
  });
});
