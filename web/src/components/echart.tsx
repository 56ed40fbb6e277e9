import { Skeleton } from '@mantine/core';
import type { EChartsCoreOption } from 'echarts/core';
import { lazy, Suspense } from 'react';

export interface EChartProps {
  /** The chart, as ECharts takes it; only the line chart, grid, legend and tooltip are loaded. */
  option: EChartsCoreOption;
  /** Says what the chart shows and its latest values, for people who cannot see it. */
  label: string;
  height: number;
}

// ECharts is a large library that only a few pages draw with: it loads with the first chart.
const EChartCanvas = lazy(() => import('./echart-canvas'));

/** A chart drawn by ECharts (SVG), with a text alternative; a skeleton while the library loads. */
export function EChart(props: EChartProps) {
  return (
    <Suspense fallback={<Skeleton height={props.height} aria-label={props.label} />}>
      <EChartCanvas {...props} />
    </Suspense>
  );
}
