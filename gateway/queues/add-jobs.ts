// Adds a batch of jobs to one BullMQ queue, as the outbox relay's batches need
// (gateway/README.md#outbox-relay): a few jobs as one `add` each, many as one `addBulk`. A batch of
// the relay is one job or a few at a steady rate, and `addBulk` builds an ioredis pipeline for
// it, whose constructor copies every script the connection knows into the pipeline and defines a
// `length` accessor on it: V8 keeps such an accessor pair in old space, so each pipeline, its
// commands and their arguments outlived the worker's scavenges and doubled what each one copied
// (19–20 % of the young generation surviving, 9–10 % with single adds, in tests/bench runs at
// 600 req/s). From `BULK_FROM` jobs on (a backlog) one pipeline costs less than that many commands.
// Either way a job whose id exists is kept, so repeating a batch adds nothing.
import type { BulkJobOptions } from 'bullmq';

export const BULK_FROM = 16;

export interface NewJob<Data> {
  name: string;
  data: Data;
  opts: BulkJobOptions;
}

/** What addJobs needs of a BullMQ `Queue<Data>`. */
export interface JobAdder<Data> {
  add: (name: string, data: Data, opts: BulkJobOptions) => Promise<unknown>;
  addBulk: (jobs: NewJob<Data>[]) => Promise<unknown>;
}

export async function addJobs<Data>(
  queue: JobAdder<Data>,
  jobs: readonly NewJob<Data>[],
): Promise<void> {
  if (jobs.length >= BULK_FROM) {
    await queue.addBulk([...jobs]);
    return;
  }
  await Promise.all(jobs.map((job) => queue.add(job.name, job.data, job.opts)));
}
