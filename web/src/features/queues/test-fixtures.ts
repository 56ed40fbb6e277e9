import type { JobAttempt, JobDetail } from './api/get-job';
import type { Job } from './api/get-jobs';
import type { QueueSample } from './api/get-queue-history';
import type { KindStats, QueueStats, QueuesOverview } from './api/get-queues';
import type { RateLimit } from './api/get-rate-limits';
import type { Schedule } from './api/get-schedules';

// Objects shaped as docs/api.md ("Queue") shows them, for this feature's tests.

export function makeQueueStats(overrides: Partial<QueueStats> = {}): QueueStats {
  return {
    name: 'imports',
    paused: false,
    ready: 0,
    delayed: 0,
    running: 1,
    failed: 0,
    workers: { current: 2, busy: 1, min: 1, max: 2 },
    per_second: {
      enqueued: 0,
      started: 0,
      succeeded: 1.5,
      failed: 0,
      retried: 0,
      succeeded_60s: 0.8,
      failed_60s: 0,
    },
    wait_ms: { p50: 1.2, p95: 3, p99: 4.1 },
    run_ms: { p50: 2, p95: 9, p99: 12 },
    totals: { enqueued: 10, succeeded: 9, failed: 0, retried: 1 },
    ...overrides,
  };
}

export function makeKindStats(overrides: Partial<KindStats> = {}): KindStats {
  return {
    kind: 'contacts.import',
    queue: 'imports',
    enqueued: 10,
    started: 10,
    succeeded: 9,
    failed: 0,
    retried: 1,
    run_ms: { p50: 2, p99: 12 },
    ...overrides,
  };
}

export function makeOverview(
  queues: QueueStats[] = [
    makeQueueStats(),
    makeQueueStats({
      name: 'maintenance',
      running: 0,
      workers: { current: 1, busy: 0, min: 1, max: 1 },
    }),
  ],
  kinds: KindStats[] = [
    makeKindStats(),
    makeKindStats({ kind: 'contacts.export', enqueued: 2, succeeded: 2, retried: 0 }),
    makeKindStats({ kind: 'maintenance.prune', queue: 'maintenance', enqueued: 1, succeeded: 1 }),
  ],
): QueuesOverview {
  return { data: queues, kinds, channel: 'private-queues' };
}

/** `count` samples a second apart, ending at `end`. */
export function makeSamples(
  count: number,
  end = '2026-11-25T05:00:00Z',
  value: Partial<QueueSample> = {},
): QueueSample[] {
  const last = Date.parse(end);
  return Array.from({ length: count }, (_, index) => ({
    at: new Date(last - (count - 1 - index) * 1000).toISOString(),
    succeeded: 1,
    failed: 0,
    enqueued: 1,
    backlog: 0,
    wait_p95_ms: 2,
    workers: 1,
    ...value,
  }));
}

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 7,
    queue: 'imports',
    kind: 'contacts.import',
    state: 'succeeded',
    payload: { id: 3 },
    tags: ['contacts.import:3'],
    unique_key: 'contacts.import:3',
    priority: 0,
    attempts: 1,
    max_attempts: 20,
    last_error: null,
    worker: null,
    run_at: '2026-11-25T04:00:00Z',
    created_at: '2026-11-25T04:00:00Z',
    started_at: '2026-11-25T04:00:00Z',
    finished_at: '2026-11-25T04:00:02Z',
    ...overrides,
  };
}

export function makeAttempt(overrides: Partial<JobAttempt> = {}): JobAttempt {
  return {
    attempt: 1,
    worker: 'host:/var/lib/kirim/Xy12',
    outcome: 'retry',
    error: 'database is locked',
    trace: 'contacts.import: row 120\nsqlite: database is locked',
    started_at: '2026-11-25T04:00:00Z',
    finished_at: '2026-11-25T04:00:01Z',
    ...overrides,
  };
}

export function makeJobDetail(overrides: Partial<JobDetail> = {}): JobDetail {
  return { ...makeJob(), history: [], ...overrides };
}

export function makeSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    name: 'prune-old-records',
    cron: '15 3 * * *',
    timezone: 'UTC',
    description: 'at 03:15',
    queue: 'maintenance',
    kind: 'maintenance.prune',
    payload: { job_days: 7 },
    enabled: true,
    next_run_at: '2026-11-26T03:15:00Z',
    last_run_at: null,
    last_job_id: null,
    ...overrides,
  };
}

export function makeRateLimit(overrides: Partial<RateLimit> = {}): RateLimit {
  return {
    pnid: '100000000000011',
    phone_number: '+1 555-000-0001',
    account: 'Sandbox',
    known: true,
    configured_mps: 80,
    current_mps: 80,
    sent_last_second: 12,
    next_slot_ms: 0,
    backoff_ms: 0,
    tier: { used: 120, cap: 10000 },
    paused: false,
    pause_detail: null,
    allowed: 5000,
    refused: { rate: 10, pair: 0, tier: 0, paused: 0 },
    throttles: 0,
    ...overrides,
  };
}
