import { describe, expect, it } from 'vitest';
import type { CampaignSeries } from '../api/get-series';
import { makeSeries } from '../test-fixtures';
import {
  cumulativeRates,
  intervalFor,
  mergeSeriesTail,
  parseSeriesTail,
  tailIntervalMs,
} from './series';

describe('mergeSeriesTail', () => {
  const series: CampaignSeries = { interval_ms: tailIntervalMs, data: makeSeries(4) };

  it('replaces buckets it has and appends newer ones, in time order', () => {
    const tail = makeSeries(6).slice(2);
    tail[0] = { ...tail[0]!, sent: 7 };
    const merged = mergeSeriesTail(series, tail);
    expect(merged.data.map((point) => point.sent)).toEqual([100, 100, 7, 100, 100, 100]);
    expect(merged.data.map((point) => point.at)).toEqual(makeSeries(6).map((point) => point.at));
  });

  it('keeps the same object when nothing changed, so that charts do not redraw', () => {
    expect(mergeSeriesTail(series, makeSeries(4).slice(1))).toBe(series);
    expect(mergeSeriesTail(series, [])).toBe(series);
  });

  it('leaves coarser series alone: 10-second buckets cannot complete a minute', () => {
    const minutes: CampaignSeries = { interval_ms: 60_000, data: makeSeries(2) };
    expect(mergeSeriesTail(minutes, makeSeries(8))).toBe(minutes);
  });

  it('sorts a bucket that arrives out of order into place', () => {
    const gap: CampaignSeries = {
      interval_ms: tailIntervalMs,
      data: [makeSeries(3)[0]!, makeSeries(3)[2]!],
    };
    const merged = mergeSeriesTail(gap, [makeSeries(3)[1]!]);
    expect(merged.data.map((point) => point.at)).toEqual(makeSeries(3).map((point) => point.at));
  });
});

describe('parseSeriesTail', () => {
  it('takes the well-formed points of a payload and nothing else', () => {
    const [point] = makeSeries(1);
    expect(parseSeriesTail({ series_tail: [point, { at: 'soon' }, null] })).toEqual([point]);
    expect(parseSeriesTail({})).toEqual([]);
    expect(parseSeriesTail('nope')).toEqual([]);
  });
});

describe('intervalFor', () => {
  const start = '2026-11-25T04:00:00Z';
  const at = (hours: number) => Date.parse(start) + hours * 3_600_000;

  it('uses 10-second points in the first hour, minutes up to 12 hours, then 10 minutes', () => {
    expect(intervalFor(start, null, at(0.5))).toBe('10s');
    expect(intervalFor(start, null, at(2))).toBe('1m');
    expect(intervalFor(start, null, at(30))).toBe('10m');
    expect(intervalFor(null, null, at(30))).toBe('10s');
  });

  it('measures a finished campaign by its own run, not by how long ago it was', () => {
    expect(intervalFor(start, '2026-11-25T04:20:00Z', at(24 * 30))).toBe('10s');
  });
});

describe('cumulativeRates', () => {
  it('gives delivered and read of everything sent so far', () => {
    const points = makeSeries(2);
    points[1] = { ...points[1]!, sent: 100, delivered: 100, read: 100 };
    expect(cumulativeRates(points).map(({ delivery, read }) => [delivery, read])).toEqual([
      [90, 50],
      [95, 75],
    ]);
    expect(cumulativeRates([{ ...points[0]!, sent: 0 }])[0]?.delivery).toBeNull();
  });
});
