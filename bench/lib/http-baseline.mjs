// The B3 baseline: raw BullMQ behind a bare node:http server, in one process (run through
// child.mjs): POST /v1/jobs adds a job and answers 201 {"id","status"}; GET /v1/jobs/:id reads it
// back from Redis; a worker with the same concurrency runs them. It tells what the HTTP stack, the
// driver and one Redis round trip cost on this machine, so Meridian's figures have a floor.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';

import { deleteRedisPrefix, TEST_REDIS_URL } from '@meridian/testing/harness';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * Starts the server and tells the parent its port and pid on stdout ('@@ready <port>'); serves
 * until the parent closes its stdin, then cleans up and answers.
 */
export async function serve({ concurrency }) {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const producer = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const consumer = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection: producer, prefix });
  const worker = new Worker('raw', async (job) => ({ ok: true, echo: job.data }), {
    connection: consumer,
    prefix,
    concurrency,
  });
  await worker.waitUntilReady();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method === 'POST' && req.url === '/v1/jobs') {
            const spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            const job = await queue.add(spec.handler, spec.payload ?? {}, { jobId: randomUUID() });
            res.writeHead(201, { 'content-type': 'application/json', location: `/v1/jobs/${job.id}` });
            res.end(JSON.stringify({ id: job.id, status: 'QUEUED' }));
          } else if (req.method === 'GET' && req.url.startsWith('/v1/jobs/')) {
            const job = await queue.getJob(req.url.slice('/v1/jobs/'.length));
            if (job === undefined) {
              res.writeHead(404).end();
              return;
            }
            const state = await job.getState();
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({ id: job.id, name: job.name, payload: job.data, status: state, result: job.returnvalue }),
            );
          } else {
            res.writeHead(404).end();
          }
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      })();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`@@ready ${server.address().port}\n`);
  process.stdin.resume();
  await once(process.stdin, 'end');
  server.close();
  await worker.close();
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  await deleteRedisPrefix(prefix);
  return {};
}
