import { render, screen, waitFor } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EChart } from './echart';

// jsdom lays nothing out and draws no canvas: the chart gets a size, and a 2D context that
// measures every character as 6 pixels is enough for ECharts to lay the chart out as SVG.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(400);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(120);
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(
    () =>
      ({
        measureText: (text: string) => ({ width: text.length * 6 }),
        font: '',
      }) as unknown as CanvasRenderingContext2D,
  );
});

const option = (points: [number, number][]) => ({
  xAxis: { type: 'time' },
  yAxis: { type: 'value' },
  series: [{ type: 'line', name: 'Succeeded/s', data: points }],
});

describe('EChart', () => {
  it('draws the chart as SVG inside an image labelled with its text alternative', async () => {
    const { rerender, unmount } = render(
      <MantineProvider>
        <EChart
          option={option([
            [0, 1],
            [1000, 2],
          ])}
          label="Throughput: now 2/s"
          height={120}
        />
      </MantineProvider>,
    );
    const chart = await screen.findByRole('img', { name: 'Throughput: now 2/s' });
    await waitFor(() => expect(chart.querySelectorAll('svg path').length).toBeGreaterThan(0));
    const drawing = () =>
      [...chart.querySelectorAll('path')].map((path) => path.getAttribute('d')).join(' ');
    const before = drawing();

    rerender(
      <MantineProvider>
        <EChart
          option={option([
            [0, 1],
            [1000, 2],
            [2000, 5],
          ])}
          label="Throughput: now 5/s"
          height={120}
        />
      </MantineProvider>,
    );
    expect(screen.getByRole('img', { name: 'Throughput: now 5/s' })).toBe(chart);
    // The same chart, redrawn with the new point.
    await waitFor(() => expect(drawing()).not.toBe(before));
    unmount();
    expect(chart.querySelector('svg')).toBeNull();
  });
});
