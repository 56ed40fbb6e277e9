import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EChartProps } from '@/components/echart';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testOwnerRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { QueueStats } from '../api/get-queues';
import {
  makeJob,
  makeOverview,
  makeQueueStats,
  makeRateLimit,
  makeSamples,
} from '../test-fixtures';
import { OperationsPage } from './operations-page';

// ECharts needs a canvas to measure text, which jsdom lacks; the stand-in shows what the chart
// was given: its text alternative and how many points each line has.
vi.mock('@/components/echart', () => ({
  EChart: ({ label, option }: EChartProps) => {
    const series = (option as { series: { data: unknown[] }[] }).series;
    return (
      <div
        role="img"
        aria-label={label}
        data-points={series.map((line) => line.data.length).join(',')}
      />
    );
  },
}));

afterEach(() => {
  vi.useRealTimers();
});

function queueRequests(requests: RecordedRequest[]) {
  return requests.filter(
    (request) => request.method === 'GET' && request.path === '/api/v1/queues',
  );
}

function renderPage(
  route = '/operations',
  routes: Parameters<typeof stubFetch>[0] = {},
  overview = makeOverview(),
) {
  const server = { overview };
  const { requests } = stubFetch({
    'GET /api/v1/realtime': () => jsonResponse(testOwnerRealtimeConfig),
    'GET /api/v1/queues': () => jsonResponse(server.overview),
    'GET /api/v1/queues/imports/history': () =>
      jsonResponse({ data: makeSamples(30, new Date().toISOString()) }),
    'GET /api/v1/queues/maintenance/history': () =>
      jsonResponse({ data: makeSamples(30, new Date().toISOString()) }),
    ...routes,
  });
  const realtime = fakeConnect();
  const view = renderWithProviders(
    <RealtimeProvider connect={realtime.connect}>
      <OperationsPage me={makeMe('owner')} />
    </RealtimeProvider>,
    { route },
  );
  return { ...view, requests, realtime, server };
}

function stats(queue: QueueStats) {
  return { queues: [queue, makeQueueStats({ name: 'maintenance', running: 0 })] };
}

describe('OperationsPage', () => {
  it.each(['editor', 'viewer'] as const)(
    'tells a %s that only owners and admins see it, without asking the server',
    (role) => {
      const { requests } = stubFetch({});
      renderWithProviders(<OperationsPage me={makeMe(role)} />, { route: '/operations' });
      expect(
        screen.getByText(
          'Only owners and admins can see the queues, jobs, schedules and rate limits.',
        ),
      ).toBeVisible();
      expect(screen.queryByRole('tab')).toBeNull();
      expect(requests).toHaveLength(0);
    },
  );

  it('shows each queue with its counts, workers, rates, wait and charts, and the kinds', async () => {
    renderPage(
      '/operations',
      {},
      makeOverview([
        makeQueueStats({ ready: 4, delayed: 2, failed: 3 }),
        makeQueueStats({ name: 'maintenance', paused: true, running: 0 }),
      ]),
    );

    const imports = await screen.findByRole('article', { name: 'Queue imports' });
    const stat = (name: string) => within(imports).getByRole('group', { name });
    expect(stat('Ready')).toHaveTextContent('4');
    expect(stat('Delayed')).toHaveTextContent('2');
    expect(stat('Running')).toHaveTextContent('1');
    expect(
      within(stat('Failed')).getByRole('link', { name: 'Show the 3 failed jobs of imports' }),
    ).toHaveAttribute('href', '/operations?tab=jobs&state=failed&queue=imports');
    expect(stat('Workers')).toHaveTextContent('2 of 1–2');
    expect(stat('Workers')).toHaveTextContent('1 busy');
    expect(stat('Succeeded/s')).toHaveTextContent('1.5/s');
    expect(stat('Wait p95')).toHaveTextContent('3 ms');
    expect(within(imports).getByRole('group', { name: 'Totals of imports' })).toHaveTextContent(
      '10 enqueued, 9 succeeded, 0 failed, 1 retried',
    );
    expect(
      await within(imports).findByRole('img', {
        name: /^Throughput of imports over the last minute: now 1\/s succeeded/,
      }),
    ).toHaveAttribute('data-points', '30,30');
    expect(within(imports).getByRole('img', { name: /^Wait p95 of imports/ })).toBeInTheDocument();

    const maintenance = screen.getByRole('article', { name: 'Queue maintenance' });
    expect(within(maintenance).getByText('Paused')).toBeInTheDocument();
    expect(
      within(maintenance).getByRole('button', { name: 'Resume maintenance' }),
    ).toBeInTheDocument();

    const kinds = screen.getByRole('table', { name: 'Job kinds' });
    const rows = within(kinds).getAllByRole('row').slice(1);
    const cells = rows.map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    );
    expect(cells).toEqual([
      ['contacts.export', 'imports', '2', '2', '0', '0', '2 ms', '12 ms'],
      ['contacts.import', 'imports', '10', '9', '0', '1', '2 ms', '12 ms'],
      ['maintenance.prune', 'maintenance', '1', '1', '0', '1', '2 ms', '12 ms'],
    ]);
  });

  it('updates from queue.stats events, without polling while they arrive', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { requests, realtime, server } = renderPage();
    const imports = await screen.findByRole('article', { name: 'Queue imports' });
    const chart = await within(imports).findByRole('img', { name: /^Throughput of imports/ });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const echo = realtime.latest();
    expect(echo.privateChannels).toContain('queues');
    act(() => echo.emitStatus('connected'));

    // Rates and waits change every second; the counts stay.
    for (let second = 1; second <= 12; second += 1) {
      act(() =>
        echo.emitEvent(
          'queue.stats',
          stats(
            makeQueueStats({
              per_second: { ...makeQueueStats().per_second, succeeded: second },
              wait_ms: { p50: 1, p95: 7, p99: 9 },
            }),
          ),
          'queues',
        ),
      );
      await act(() => vi.advanceTimersByTimeAsync(1000));
    }
    expect(within(imports).getByRole('group', { name: 'Succeeded/s' })).toHaveTextContent('12/s');
    expect(within(imports).getByRole('group', { name: 'Wait p95' })).toHaveTextContent('7 ms');
    expect(chart).toHaveAccessibleName(/now 12\/s succeeded/);
    expect(Number(chart.getAttribute('data-points')?.split(',')[0])).toBeGreaterThanOrEqual(41);
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(queueRequests(requests)).toHaveLength(1);

    // Jobs moved: the per-kind counters (and job lists) are fetched again, once.
    const moved = makeQueueStats({
      ready: 3,
      totals: { enqueued: 13, succeeded: 9, failed: 0, retried: 1 },
    });
    server.overview = makeOverview([moved, makeQueueStats({ name: 'maintenance', running: 0 })]);
    act(() => echo.emitEvent('queue.stats', stats(moved), 'queues'));
    // Timers run inside act, so that the refetch and what it re-renders settle in it.
    await act(() => vi.advanceTimersByTimeAsync(1500));
    expect(within(imports).getByRole('group', { name: 'Ready' })).toHaveTextContent('3');
    expect(queueRequests(requests)).toHaveLength(2);
  });

  it('refreshes the jobs shown when queue.stats says jobs moved', async () => {
    const server = { job: makeJob({ id: 12, state: 'pending', finished_at: null }) };
    const { realtime, requests } = renderPage('/operations?tab=jobs', {
      'GET /api/v1/jobs': () => jsonResponse({ data: [server.job], next_cursor: null }),
    });
    const table = await screen.findByRole('table', { name: 'Jobs' });
    expect(within(table).getByText('Pending')).toBeInTheDocument();
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const echo = realtime.latest();
    act(() => echo.emitStatus('connected'));
    const jobLists = () => requests.filter((request) => request.path === '/api/v1/jobs').length;

    // The same counts again: nothing to refresh.
    act(() => echo.emitEvent('queue.stats', stats(makeQueueStats()), 'queues'));
    act(() => echo.emitEvent('queue.stats', stats(makeQueueStats()), 'queues'));
    expect(jobLists()).toBe(1);

    server.job = { ...server.job, state: 'succeeded', finished_at: '2026-11-25T04:00:02Z' };
    act(() =>
      echo.emitEvent(
        'queue.stats',
        stats(
          makeQueueStats({
            running: 0,
            totals: { enqueued: 10, succeeded: 10, failed: 0, retried: 1 },
          }),
        ),
        'queues',
      ),
    );
    expect(await within(table).findByText('Succeeded')).toBeInTheDocument();
    expect(jobLists()).toBe(2);
  });

  it('polls slowly while realtime is unavailable', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { requests, realtime, server } = renderPage();
    await screen.findByRole('article', { name: 'Queue imports' });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    act(() => realtime.latest().emitStatus('failed'));
    expect(screen.getByText('Refreshing every few seconds')).toBeInTheDocument();

    server.overview = makeOverview([
      makeQueueStats({ ready: 8 }),
      makeQueueStats({ name: 'maintenance' }),
    ]);
    await act(() => vi.advanceTimersByTimeAsync(5100));
    await waitFor(() =>
      expect(
        within(screen.getByRole('article', { name: 'Queue imports' })).getByRole('group', {
          name: 'Ready',
        }),
      ).toHaveTextContent('8'),
    );
    expect(queueRequests(requests).length).toBeGreaterThanOrEqual(2);
  });

  it('pauses a queue after a confirmation, and resumes it', async () => {
    const paused = makeOverview([
      makeQueueStats({ paused: true }),
      makeQueueStats({ name: 'maintenance' }),
    ]);
    const { requests, user, server } = renderPage('/operations', {
      'POST /api/v1/queues/imports/pause': () => {
        server.overview = paused;
        return jsonResponse(paused);
      },
      'POST /api/v1/queues/imports/resume': () => {
        server.overview = makeOverview();
        return jsonResponse(makeOverview());
      },
    });
    const imports = await screen.findByRole('article', { name: 'Queue imports' });

    await user.click(within(imports).getByRole('button', { name: 'Pause imports' }));
    let dialog = await screen.findByRole('dialog', { name: 'Pause the imports queue?' });
    expect(dialog).toHaveTextContent('The 1 job running now will finish.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);

    await user.click(within(imports).getByRole('button', { name: 'Pause imports' }));
    dialog = await screen.findByRole('dialog', { name: 'Pause the imports queue?' });
    await user.click(within(dialog).getByRole('button', { name: 'Pause queue' }));
    expect(await within(imports).findByText('Paused')).toBeInTheDocument();
    expect(
      await screen.findByText(
        'The imports queue is paused; no new job starts until you resume it.',
      ),
    ).toBeInTheDocument();

    await user.click(within(imports).getByRole('button', { name: 'Resume imports' }));
    expect(
      await within(imports).findByRole('button', { name: 'Pause imports' }),
    ).toBeInTheDocument();
    expect(
      requests.filter((request) => request.method === 'POST').map((request) => request.path),
    ).toEqual(['/api/v1/queues/imports/pause', '/api/v1/queues/imports/resume']);
  });

  it('tells when a sender number is limited, by the number the table shows', async () => {
    const { realtime, requests } = renderPage('/operations?tab=rate-limits', {
      'GET /api/v1/rate-limits': () => jsonResponse({ data: [makeRateLimit()] }),
    });
    await screen.findByRole('table', { name: 'Rate limits' });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const before = requests.filter((request) => request.path === '/api/v1/rate-limits').length;

    act(() =>
      realtime.latest().emitEvent('number.limited', {
        pnid: '100000000000011',
        event: 'paused_number',
        detail: 'Meta flagged the number (131031).',
      }),
    );
    expect(
      await screen.findByText('+1 555-000-0001 paused by Meta. Meta flagged the number (131031).'),
    ).toBeInTheDocument();
    expect(screen.getByText('Sender number limited')).toBeInTheDocument();
    await waitFor(() =>
      expect(requests.filter((request) => request.path === '/api/v1/rate-limits').length).toBe(
        before + 1,
      ),
    );
  });
});
