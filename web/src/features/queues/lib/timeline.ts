import type { JobDetail } from '../api/get-job';

export type TimelineTone = 'neutral' | 'progress' | 'success' | 'failure' | 'retry';

/** One moment in a job's life, as the drawer's timeline shows it. */
export interface TimelineEntry {
  key: string;
  title: string;
  at: string | null;
  tone: TimelineTone;
  worker?: string | null;
  error?: string;
  trace?: string;
  /** When an attempt ended. */
  finishedAt?: string | null;
}

const gapMs = 1000;

function apart(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a !== b;
  return Math.abs(Date.parse(a) - Date.parse(b)) >= gapMs;
}

/**
 * The job's life in order: created, when it was due (if later), each attempt that failed or was
 * retried with its worker, error and trace, the last start, and how it ended.
 */
export function jobTimeline(job: JobDetail): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { key: 'created', title: 'Created', at: job.created_at, tone: 'neutral' },
  ];
  if (job.run_at !== null && apart(job.run_at, job.created_at)) {
    entries.push({
      key: 'run-at',
      title: job.state === 'pending' ? 'Due to run' : 'Was due to run',
      at: job.run_at,
      tone: 'neutral',
    });
  }
  const attempts = [...job.history].sort((a, b) => a.attempt - b.attempt);
  for (const attempt of attempts) {
    entries.push({
      key: `attempt-${attempt.attempt}`,
      title:
        attempt.outcome === 'retry'
          ? `Attempt ${attempt.attempt} failed; retried later`
          : `Attempt ${attempt.attempt} failed`,
      at: attempt.started_at ?? attempt.finished_at,
      finishedAt: attempt.finished_at,
      tone: attempt.outcome === 'retry' ? 'retry' : 'failure',
      worker: attempt.worker || null,
      error: attempt.error,
      trace: attempt.trace,
    });
  }
  const lastStartKnown = attempts.some((attempt) => !apart(attempt.started_at, job.started_at));
  if (job.started_at !== null && !lastStartKnown) {
    entries.push({
      key: 'started',
      title:
        job.state === 'running'
          ? `Attempt ${Math.max(job.attempts, 1)} running`
          : `Attempt ${Math.max(job.attempts, 1)} started`,
      at: job.started_at,
      tone: 'progress',
      worker: job.worker,
    });
  }
  if (job.finished_at !== null) {
    const endings = {
      succeeded: { title: 'Succeeded', tone: 'success' },
      failed: { title: 'Failed for good', tone: 'failure' },
      cancelled: { title: 'Cancelled', tone: 'neutral' },
    } as const;
    const ending = endings[job.state as keyof typeof endings] ?? {
      title: 'Finished',
      tone: 'neutral' as const,
    };
    entries.push({ key: 'finished', at: job.finished_at, ...ending });
  }
  // A stable sort keeps the order above for moments in the same second.
  return entries.sort((a, b) => {
    if (a.at === null || b.at === null) return a.at === null ? (b.at === null ? 0 : 1) : -1;
    return Date.parse(a.at) - Date.parse(b.at);
  });
}
