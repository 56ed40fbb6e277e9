import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { type ECharts, init, use as registerECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { EChartProps } from './echart';

// Only what the charts use, so that the bundle carries a fraction of ECharts.
registerECharts([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** Owns one ECharts instance for as long as it is mounted; new options merge into it. */
export default function EChartCanvas({ option, label, height }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    const container = element.current;
    if (!container) return;
    const instance = init(container, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.current = null;
      instance.dispose();
    };
  }, []);

  useEffect(() => {
    // Data changes every second: no animation, and only the changed parts are redrawn.
    chart.current?.setOption({ animation: false, ...option }, { lazyUpdate: true });
  }, [option]);

  return <div ref={element} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
