import type { EChartsCoreOption } from 'echarts/core';
import type { QueueSample } from '../api/get-queue-history';
import { formatMs, formatRate } from './format';

/** Colours from the theme; ECharts needs values, not CSS variables. */
export interface ChartColors {
  succeeded: string;
  failed: string;
  wait: string;
  text: string;
  line: string;
}

function frame(colors: ChartColors): EChartsCoreOption {
  return {
    grid: { left: 8, right: 12, top: 30, bottom: 4, containLabel: true },
    legend: { top: 0, left: 0, itemHeight: 8, textStyle: { color: colors.text, fontSize: 12 } },
    xAxis: {
      type: 'time',
      axisLine: { lineStyle: { color: colors.line } },
      axisLabel: { color: colors.text, hideOverlap: true },
      splitLine: { show: false },
    },
  };
}

function points(samples: QueueSample[], value: (sample: QueueSample) => number) {
  return samples.map((sample) => [Date.parse(sample.at), value(sample)]);
}

/** Jobs that succeeded and failed per second. */
export function throughputOption(samples: QueueSample[], colors: ChartColors): EChartsCoreOption {
  return {
    ...frame(colors),
    tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => formatRate(Number(value)) },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: colors.text },
      splitLine: { lineStyle: { color: colors.line } },
    },
    series: [
      {
        name: 'Succeeded/s',
        type: 'line',
        showSymbol: false,
        color: colors.succeeded,
        areaStyle: { opacity: 0.12 },
        data: points(samples, (sample) => sample.succeeded),
      },
      {
        name: 'Failed/s',
        type: 'line',
        showSymbol: false,
        color: colors.failed,
        data: points(samples, (sample) => sample.failed),
      },
    ],
  };
}

/** How long the slowest 5% of jobs waited for a worker. */
export function waitOption(samples: QueueSample[], colors: ChartColors): EChartsCoreOption {
  return {
    ...frame(colors),
    tooltip: { trigger: 'axis', valueFormatter: (value: unknown) => formatMs(Number(value)) },
    yAxis: {
      type: 'value',
      axisLabel: { color: colors.text, formatter: (value: number) => formatMs(value) },
      splitLine: { lineStyle: { color: colors.line } },
    },
    series: [
      {
        name: 'Wait p95',
        type: 'line',
        showSymbol: false,
        color: colors.wait,
        data: points(samples, (sample) => sample.wait_p95_ms),
      },
    ],
  };
}

function minutesCovered(samples: QueueSample[]): string {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return 'no samples yet';
  const minutes = Math.max(1, Math.round((Date.parse(last.at) - Date.parse(first.at)) / 60_000));
  return minutes === 1 ? 'the last minute' : `the last ${minutes} minutes`;
}

/** The throughput chart in words: what it covers, the latest rates and the peak. */
export function describeThroughput(queue: string, samples: QueueSample[]): string {
  const last = samples.at(-1);
  if (!last) return `Throughput of ${queue}: no samples yet`;
  const peak = Math.max(...samples.map((sample) => sample.succeeded));
  return (
    `Throughput of ${queue} over ${minutesCovered(samples)}: now ${formatRate(last.succeeded)} ` +
    `succeeded and ${formatRate(last.failed)} failed; peak ${formatRate(peak)} succeeded`
  );
}

export function describeWait(queue: string, samples: QueueSample[]): string {
  const last = samples.at(-1);
  if (!last) return `Wait p95 of ${queue}: no samples yet`;
  const peak = Math.max(...samples.map((sample) => sample.wait_p95_ms));
  return (
    `Wait p95 of ${queue} over ${minutesCovered(samples)}: now ${formatMs(last.wait_p95_ms)}; ` +
    `peak ${formatMs(peak)}`
  );
}
