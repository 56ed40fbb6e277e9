import type { QueueHistory, QueueSample } from '../api/get-queue-history';
import type { QueueStats } from '../api/get-queues';

/** How far back the charts reach; the server keeps as much history. */
export const historyWindowMs = 10 * 60_000;

/** The sample a `queue.stats` event (or a poll) gives for the second `atMs` falls in. */
export function sampleFromStats(stats: QueueStats, atMs: number): QueueSample {
  return {
    at: new Date(Math.floor(atMs / 1000) * 1000).toISOString(),
    succeeded: stats.per_second.succeeded,
    failed: stats.per_second.failed,
    enqueued: stats.per_second.enqueued,
    backlog: stats.ready,
    wait_p95_ms: stats.wait_ms.p95,
    workers: stats.workers.current,
  };
}

/**
 * `history` with `sample` at its end: a sample of the same second replaces the last one, an
 * older one is dropped, and samples that left the window go.
 */
export function appendSample(history: QueueHistory, sample: QueueSample): QueueHistory {
  const at = Date.parse(sample.at);
  const last = history.samples.at(-1);
  let samples: QueueSample[];
  if (last === undefined || Date.parse(last.at) < at) {
    samples = [...history.samples, sample];
  } else if (Date.parse(last.at) === at) {
    samples = [...history.samples.slice(0, -1), sample];
  } else {
    return history;
  }
  const from = at - historyWindowMs;
  const firstKept = samples.findIndex((kept) => Date.parse(kept.at) > from);
  return { ...history, samples: firstKept > 0 ? samples.slice(firstKept) : samples };
}

/**
 * A string that changes whenever jobs moved in any queue (one started, ended, was added or
 * retried): the cue to refresh job lists and per-kind counters.
 */
export function activitySignature(queues: QueueStats[]): string {
  return queues
    .map(
      (queue) =>
        `${queue.name}:${queue.ready}:${queue.delayed}:${queue.running}:${queue.failed}:` +
        `${queue.totals.enqueued}:${queue.totals.succeeded}:${queue.totals.failed}:` +
        `${queue.totals.retried}:${queue.paused ? 1 : 0}`,
    )
    .join('|');
}
