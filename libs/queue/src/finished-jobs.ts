import type { Queue } from 'bullmq';

/** Removes the completed or failed BullMQ jobs among `jobs`, so adding them again is not a no-op. */
export async function removeFinishedJobs(jobs: readonly (readonly [Queue, string])[]): Promise<void> {
  await Promise.all(
    jobs.map(async ([queue, id]) => {
      const job = await queue.getJob(id);
      if (job !== undefined && ((await job.isCompleted()) || (await job.isFailed()))) {
        await job.remove();
      }
    }),
  );
}
