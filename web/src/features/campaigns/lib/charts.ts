import type { EChartsCoreOption } from 'echarts/core';
import type { SeriesPoint } from '../api/get-series';
import { formatPercent } from './progress';
import { cumulativeRates } from './series';

/** Colours from the theme; ECharts needs values, not CSS variables. */
export interface ChartColors {
  sent: string;
  delivered: string;
  read: string;
  text: string;
  line: string;
}

/** The fewest intervals the time axis spans, so that a campaign's first points do not fill it. */
export const minAxisIntervals = 6;

/**
 * The time axis from the first point to the last (at least `minAxisIntervals` wide): without
 * bounds ECharts pads a lone point with days on either side.
 */
function timeBounds(points: SeriesPoint[], intervalMs: number): { min?: number; max?: number } {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return {};
  const min = Date.parse(first.at);
  return { min, max: Math.max(Date.parse(last.at), min + minAxisIntervals * intervalMs) };
}

function frame(colors: ChartColors, points: SeriesPoint[], intervalMs: number): EChartsCoreOption {
  return {
    grid: { left: 8, right: 12, top: 30, bottom: 4, containLabel: true },
    legend: { top: 0, left: 0, itemHeight: 8, textStyle: { color: colors.text, fontSize: 12 } },
    xAxis: {
      type: 'time',
      ...timeBounds(points, intervalMs),
      axisLine: { lineStyle: { color: colors.line } },
      axisLabel: { color: colors.text, hideOverlap: true },
      splitLine: { show: false },
    },
  };
}

function line(name: string, color: string, data: [number, number | null][], area = false) {
  return {
    name,
    type: 'line',
    // A line needs two points; until then the points themselves show.
    showSymbol: data.length < 3,
    color,
    ...(area ? { areaStyle: { opacity: 0.1 } } : {}),
    data,
  };
}

/** Messages sent, delivered and read per interval. */
export function volumeOption(
  points: SeriesPoint[],
  intervalMs: number,
  colors: ChartColors,
): EChartsCoreOption {
  const at = (point: SeriesPoint) => Date.parse(point.at);
  return {
    ...frame(colors, points, intervalMs),
    tooltip: { trigger: 'axis' },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: colors.text },
      splitLine: { lineStyle: { color: colors.line } },
    },
    series: [
      line(
        'Sent',
        colors.sent,
        points.map((point) => [at(point), point.sent]),
        true,
      ),
      line(
        'Delivered',
        colors.delivered,
        points.map((point) => [at(point), point.delivered]),
      ),
      line(
        'Read',
        colors.read,
        points.map((point) => [at(point), point.read]),
      ),
    ],
  };
}

/** Delivery and read rates (of everything sent so far) over time. */
export function ratesOption(
  points: SeriesPoint[],
  intervalMs: number,
  colors: ChartColors,
): EChartsCoreOption {
  const rates = cumulativeRates(points);
  return {
    ...frame(colors, points, intervalMs),
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value: unknown) =>
        formatPercent(value === null || value === undefined ? null : Number(value)),
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      axisLabel: { color: colors.text, formatter: '{value}%' },
      splitLine: { lineStyle: { color: colors.line } },
    },
    series: [
      line(
        'Delivery rate',
        colors.delivered,
        rates.map((rate) => [rate.at, rate.delivery]),
      ),
      line(
        'Read rate',
        colors.read,
        rates.map((rate) => [rate.at, rate.read]),
      ),
    ],
  };
}

/** The volume chart in words. */
export function describeVolume(points: SeriesPoint[], intervalLabel: string): string {
  const last = points.at(-1);
  if (!last) return 'Messages per interval: nothing sent yet';
  const peak = Math.max(...points.map((point) => point.sent));
  return (
    `Messages per ${intervalLabel} over ${points.length} intervals: latest ${last.sent} sent, ` +
    `${last.delivered} delivered, ${last.read} read; peak ${peak} sent`
  );
}

export function describeRates(points: SeriesPoint[]): string {
  const last = cumulativeRates(points).at(-1);
  if (last?.delivery === null || last?.delivery === undefined)
    return 'Delivery and read rates: nothing sent yet';
  return `Delivery rate ${formatPercent(last.delivery)}, read rate ${formatPercent(last.read)} of the messages sent so far`;
}
