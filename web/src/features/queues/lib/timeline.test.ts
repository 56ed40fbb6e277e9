import { describe, expect, it } from 'vitest';
import { makeAttempt, makeJobDetail } from '../test-fixtures';
import { jobTimeline } from './timeline';

describe('jobTimeline', () => {
  it('puts a job that succeeded at once as created, started and succeeded', () => {
    const entries = jobTimeline(makeJobDetail());
    expect(entries.map((entry) => entry.title)).toEqual([
      'Created',
      'Attempt 1 started',
      'Succeeded',
    ]);
  });

  it('lists failed attempts with worker, error and trace, then the last start and the end', () => {
    const entries = jobTimeline(
      makeJobDetail({
        state: 'succeeded',
        attempts: 3,
        history: [
          makeAttempt({ attempt: 2, started_at: '2026-11-25T04:00:10Z', finished_at: null }),
          makeAttempt(),
        ],
        run_at: '2026-11-25T04:00:40Z',
        started_at: '2026-11-25T04:00:40Z',
        finished_at: '2026-11-25T04:00:41Z',
      }),
    );
    expect(entries.map((entry) => [entry.title, entry.at])).toEqual([
      ['Created', '2026-11-25T04:00:00Z'],
      ['Attempt 1 failed; retried later', '2026-11-25T04:00:00Z'],
      ['Attempt 2 failed; retried later', '2026-11-25T04:00:10Z'],
      ['Was due to run', '2026-11-25T04:00:40Z'],
      ['Attempt 3 started', '2026-11-25T04:00:40Z'],
      ['Succeeded', '2026-11-25T04:00:41Z'],
    ]);
    expect(entries[1]).toMatchObject({
      worker: 'host:/var/lib/kirim/Xy12',
      error: 'database is locked',
      trace: expect.stringContaining('sqlite') as unknown,
      tone: 'retry',
    });
  });

  it('does not repeat the start of a final failed attempt', () => {
    const entries = jobTimeline(
      makeJobDetail({
        state: 'failed',
        attempts: 1,
        max_attempts: 1,
        last_error: 'boom',
        history: [makeAttempt({ outcome: 'failed', error: 'boom' })],
        finished_at: '2026-11-25T04:00:01Z',
      }),
    );
    expect(entries.map((entry) => entry.title)).toEqual([
      'Created',
      'Attempt 1 failed',
      'Failed for good',
    ]);
  });

  it('shows a pending job that is due later, and a running one with its worker', () => {
    const pending = jobTimeline(
      makeJobDetail({
        state: 'pending',
        attempts: 0,
        run_at: '2026-11-25T05:00:00Z',
        started_at: null,
        finished_at: null,
      }),
    );
    expect(pending.map((entry) => entry.title)).toEqual(['Created', 'Due to run']);

    const running = jobTimeline(
      makeJobDetail({ state: 'running', worker: 'w1', finished_at: null }),
    );
    expect(running.at(-1)).toMatchObject({ title: 'Attempt 1 running', worker: 'w1' });
  });
});
