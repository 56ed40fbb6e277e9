import { describe, expect, it } from 'vitest';
import { makeQueueStats, makeSamples } from '../test-fixtures';
import { activitySignature, appendSample, sampleFromStats } from './history';

describe('sampleFromStats', () => {
  it('takes the rates, the ready backlog, wait p95 and workers, at the start of the second', () => {
    const sample = sampleFromStats(
      makeQueueStats({ ready: 4, delayed: 2 }),
      Date.parse('2026-11-25T05:00:07.830Z'),
    );
    expect(sample).toEqual({
      at: '2026-11-25T05:00:07.000Z',
      succeeded: 1.5,
      failed: 0,
      enqueued: 0,
      backlog: 4,
      wait_p95_ms: 3,
      workers: 2,
    });
  });
});

describe('appendSample', () => {
  const history = { samples: makeSamples(3, '2026-11-25T05:00:00Z'), clockOffsetMs: 0 };

  it('adds a later sample at the end', () => {
    const next = appendSample(history, { ...history.samples[2]!, at: '2026-11-25T05:00:01Z' });
    expect(next.samples.map((sample) => sample.at)).toEqual([
      '2026-11-25T04:59:58.000Z',
      '2026-11-25T04:59:59.000Z',
      '2026-11-25T05:00:00.000Z',
      '2026-11-25T05:00:01Z',
    ]);
  });

  it('replaces a sample of the same second and ignores an older one', () => {
    const same = appendSample(history, {
      ...history.samples[2]!,
      at: '2026-11-25T05:00:00.000Z',
      succeeded: 9,
    });
    expect(same.samples).toHaveLength(3);
    expect(same.samples[2]!.succeeded).toBe(9);
    const older = appendSample(history, { ...history.samples[0]!, at: '2026-11-25T04:59:00Z' });
    expect(older).toBe(history);
  });

  it('drops what left the window', () => {
    const full = { samples: makeSamples(600, '2026-11-25T05:00:00Z'), clockOffsetMs: 0 };
    const next = appendSample(full, { ...full.samples[0]!, at: '2026-11-25T05:00:05Z' });
    // 04:50:01 to 05:00:00 were kept; ten minutes before 05:00:05 is 04:50:05.
    expect(next.samples).toHaveLength(596);
    expect(next.samples[0]!.at).toBe('2026-11-25T04:50:06.000Z');
  });
});

describe('activitySignature', () => {
  it('changes when jobs move, not when only rates or waits do', () => {
    const base = [makeQueueStats()];
    const same = activitySignature([makeQueueStats({ wait_ms: { p50: 9, p95: 9, p99: 9 } })]);
    expect(same).toBe(activitySignature(base));
    expect(activitySignature([makeQueueStats({ ready: 1 })])).not.toBe(activitySignature(base));
    expect(
      activitySignature([
        makeQueueStats({ totals: { enqueued: 10, succeeded: 10, failed: 0, retried: 1 } }),
      ]),
    ).not.toBe(activitySignature(base));
  });
});
