import type { CampaignSeries, SeriesInterval, SeriesPoint } from '../api/get-series';

// The charts read GET .../series once and then follow `campaign.progress`, whose `series_tail`
// carries the last few 10-second buckets, each with its counts so far. A tail bucket replaces
// the point with the same time, or is appended after the last one. Coarser intervals cannot be
// completed from 10-second buckets alone; the dashboard refetches those now and then instead.

/** The bucket of `series_tail`. */
export const tailIntervalMs = 10_000;

const hourMs = 3_600_000;

/** The finest interval that keeps a chart of the campaign's run to a few hundred points. */
export function intervalFor(
  startedAt: string | null,
  finishedAt: string | null,
  now: number,
): SeriesInterval {
  const end = finishedAt === null ? now : Date.parse(finishedAt);
  const elapsed = startedAt === null ? 0 : end - Date.parse(startedAt);
  if (elapsed < hourMs) return '10s';
  if (elapsed < 12 * hourMs) return '1m';
  return '10m';
}

function isPoint(value: unknown): value is SeriesPoint {
  if (value === null || typeof value !== 'object') return false;
  const point = value as Record<string, unknown>;
  return (
    typeof point.at === 'string' &&
    !Number.isNaN(Date.parse(point.at)) &&
    typeof point.sent === 'number' &&
    typeof point.delivered === 'number' &&
    typeof point.read === 'number'
  );
}

/** The `series_tail` of a `campaign.progress` payload; [] when it has none. */
export function parseSeriesTail(data: unknown): SeriesPoint[] {
  if (data === null || typeof data !== 'object') return [];
  const tail = (data as { series_tail?: unknown }).series_tail;
  return Array.isArray(tail) ? tail.filter(isPoint) : [];
}

function samePoint(a: SeriesPoint, b: SeriesPoint): boolean {
  return (
    a.sent === b.sent &&
    a.delivered === b.delivered &&
    a.read === b.read &&
    a.failed === b.failed &&
    a.replied === b.replied &&
    a.clicked === b.clicked
  );
}

/**
 * `series` with the tail's buckets in place; the same object when nothing changed (so that the
 * charts do not redraw) or when the series is not in 10-second buckets.
 */
export function mergeSeriesTail(series: CampaignSeries, tail: SeriesPoint[]): CampaignSeries {
  if (series.interval_ms !== tailIntervalMs || tail.length === 0) return series;
  const data = series.data.slice();
  const indexByTime = new Map(data.map((point, index) => [Date.parse(point.at), index]));
  let changed = false;
  let needsSort = false;
  for (const point of tail) {
    const at = Date.parse(point.at);
    const index = indexByTime.get(at);
    if (index !== undefined) {
      if (!samePoint(data[index]!, point)) {
        data[index] = point;
        changed = true;
      }
      continue;
    }
    const last = data.at(-1);
    if (last && Date.parse(last.at) > at) needsSort = true;
    indexByTime.set(at, data.length);
    data.push(point);
    changed = true;
  }
  if (!changed) return series;
  if (needsSort) data.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { ...series, data };
}

export interface RatePoint {
  at: number;
  /** Delivered of sent so far, in percent; null before anything was sent. */
  delivery: number | null;
  read: number | null;
}

/** Delivery and read rates over time, from the running totals of the series. */
export function cumulativeRates(points: SeriesPoint[]): RatePoint[] {
  let sent = 0;
  let delivered = 0;
  let read = 0;
  return points.map((point) => {
    sent += point.sent;
    delivered += point.delivered;
    read += point.read;
    return {
      at: Date.parse(point.at),
      delivery: sent > 0 ? Math.min(100, (delivered / sent) * 100) : null,
      read: sent > 0 ? Math.min(100, (read / sent) * 100) : null,
    };
  });
}
