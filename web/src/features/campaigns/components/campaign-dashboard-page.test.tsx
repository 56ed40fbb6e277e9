import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EChartProps } from '@/components/echart';
import type { Role } from '@/lib/auth';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Campaign } from '../api/get-campaign';
import {
  accounts,
  fields,
  makeCampaign,
  makeCounters,
  makeEvent,
  makeRecipient,
  makeSeries,
  tags,
  templates,
} from '../test-fixtures';
import { CampaignDashboardPage } from './campaign-dashboard-page';

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

beforeEach(() => {
  // jsdom lays nothing out; the virtualizer reads the scroll box's height from clientHeight.
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(440);
});

afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Started a minute ago: the charts use 10-second points. */
function runningCampaign(overrides: Partial<Campaign> = {}) {
  return makeCampaign({ started_at: new Date(Date.now() - 60_000).toISOString(), ...overrides });
}

function renderPage({
  role = 'editor',
  campaign = runningCampaign(),
  route = '/campaigns/4',
  extra = {},
}: {
  role?: Role;
  campaign?: Campaign;
  route?: string;
  extra?: Parameters<typeof stubFetch>[0];
} = {}) {
  const server = { campaign, timeline: [makeEvent(), makeEvent({ id: 2, kind: 'started' })] };
  const { requests } = stubFetch({
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    'GET /api/v1/campaigns/4': () => jsonResponse(server.campaign),
    'GET /api/v1/campaigns/4/series': () =>
      jsonResponse({ interval_ms: 10_000, data: makeSeries(6) }),
    'GET /api/v1/campaigns/4/failures': () =>
      jsonResponse({
        data: [
          { code: 131026, title: 'Message undeliverable', count: 12 },
          { code: 131049, title: 'Not delivered to maintain healthy ecosystem', count: 4 },
        ],
      }),
    'GET /api/v1/campaigns/4/timeline': () => jsonResponse({ data: server.timeline }),
    'GET /api/v1/campaigns/4/recipients': (request) => {
      const offset = Number(request.query.get('cursor') ?? 0);
      const all = Array.from({ length: 300 }, (_, index) => makeRecipient(index));
      return jsonResponse({
        data: all.slice(offset, offset + 100),
        next_cursor: offset + 100 < all.length ? String(offset + 100) : null,
      });
    },
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: templates }),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: fields }),
    'GET /api/v1/tags': () => jsonResponse({ data: tags }),
    ...extra,
  });
  const realtime = fakeConnect();
  const view = renderWithProviders(
    <RealtimeProvider connect={realtime.connect}>
      <CampaignDashboardPage me={makeMe(role)} campaignId={4} />
    </RealtimeProvider>,
    { route },
  );
  return { ...view, requests, realtime, server };
}

async function connected(realtime: ReturnType<typeof fakeConnect>) {
  await waitFor(() => expect(realtime.instances).toHaveLength(1));
  const echo = realtime.latest();
  act(() => echo.emitStatus('connected'));
  await waitFor(() => expect(echo.privateChannels).toContain('campaign.4'));
  return echo;
}

function stateBadge() {
  return screen.getByRole('status', { name: 'Campaign state' });
}

function counter(name: string) {
  return within(screen.getByRole('list', { name: 'Counters' })).getByRole('listitem', { name });
}

function requestsTo(requests: RecordedRequest[], method: string, path: string) {
  return requests.filter((request) => request.method === method && request.path === path);
}

describe('CampaignDashboardPage', { timeout: 30_000 }, () => {
  it('shows the counters with their shares, the progress, rate, ETA, failures and timeline', async () => {
    renderPage();
    expect(await screen.findByRole('heading', { name: 'November promo' })).toBeInTheDocument();
    expect(stateBadge()).toHaveTextContent('Running');
    expect(counter('Planned')).toHaveTextContent('1,200');
    expect(counter('Sent')).toHaveTextContent('880');
    expect(counter('Sent')).toHaveTextContent('73% of planned');
    expect(counter('Delivered')).toHaveTextContent('97% of sent');
    expect(counter('Read')).toHaveTextContent('71% of delivered');
    expect(counter('Failed')).toHaveTextContent('16');
    expect(screen.getByRole('progressbar', { name: 'Progress of November promo' })).toHaveAttribute(
      'aria-valuetext',
      '880 sent, 16 failed of 1,200 (75%)',
    );
    expect(screen.getByRole('group', { name: 'Current rate' })).toHaveTextContent('38.5/s');
    expect(screen.getByRole('group', { name: 'Time left' })).toHaveTextContent('8 s');

    const funnel = screen.getByRole('list', { name: 'Conversion funnel' });
    expect(within(funnel).getByRole('listitem', { name: 'Converted' })).toHaveTextContent(
      '12 (1.4%)',
    );
    const failures = await screen.findByRole('list', { name: 'Failures by error' });
    expect(
      within(failures)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      '131026 Message undeliverable12',
      '131049 Not delivered to maintain healthy ecosystem4',
    ]);
    const timeline = await screen.findByRole('list', { name: 'Timeline' });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map((item) => item.getAttribute('aria-label')),
    ).toEqual(['Created', 'Started']);
    expect(
      await screen.findByRole('img', { name: /^Messages per 10 seconds over 6 intervals/ }),
    ).toHaveAttribute('data-points', '6,6,6');
  });

  it('follows campaign.progress on the campaign channel: counters and chart points', async () => {
    const { realtime } = renderPage();
    await screen.findByRole('heading', { name: 'November promo' });
    await screen.findByRole('img', { name: /^Messages per 10 seconds/ });
    const echo = await connected(realtime);
    expect(screen.getByText('Live')).toBeInTheDocument();

    const tail = makeSeries(8).slice(4);
    tail[1] = { ...tail[1]!, sent: 150 };
    act(() =>
      echo.emitEvent(
        'campaign.progress',
        {
          id: 4,
          state: 'running',
          counters: makeCounters({ sent: 950, delivered: 900, read: 650, queued: 230 }),
          rate: { current_mps: 40, eta_seconds: 6 },
          series_tail: tail,
        },
        'campaign.4',
      ),
    );
    await waitFor(() => expect(counter('Sent')).toHaveTextContent('950'));
    expect(screen.getByRole('group', { name: 'Current rate' })).toHaveTextContent('40/s');
    const chart = screen.getByRole('img', { name: /^Messages per 10 seconds/ });
    // Two buckets replaced, two appended.
    expect(chart).toHaveAttribute('data-points', '8,8,8');
    expect(chart).toHaveAccessibleName(/peak 150 sent/);
  });

  it('shows the paused state only once the server confirmed the pause', async () => {
    const answer = deferred<Response>();
    const { realtime, requests } = renderPage({
      extra: { 'POST /api/v1/campaigns/4/pause': () => answer.promise },
    });
    await screen.findByRole('heading', { name: 'November promo' });
    const echo = await connected(realtime);
    const pause = screen.getByRole('button', { name: 'Pause' });
    pause.click();
    await waitFor(() =>
      expect(requestsTo(requests, 'POST', '/api/v1/campaigns/4/pause')).toHaveLength(1),
    );
    // Pending: the button is busy, the badge still says what the server last said.
    await waitFor(() => expect(pause).toHaveAttribute('data-loading', 'true'));
    expect(stateBadge()).toHaveTextContent('Running');
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();

    await act(async () => {
      answer.resolve(jsonResponse(runningCampaign({ state: 'paused' })));
      await answer.promise;
    });
    await waitFor(() => expect(stateBadge()).toHaveTextContent('Paused'));
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();

    // A progress event sent just before the pause arrives after its answer: its counters
    // count, its state does not.
    act(() =>
      echo.emitEvent(
        'campaign.progress',
        {
          id: 4,
          state: 'running',
          counters: makeCounters({ sent: 890 }),
          rate: { current_mps: 0, eta_seconds: null },
          series_tail: [],
        },
        'campaign.4',
      ),
    );
    await waitFor(() => expect(counter('Sent')).toHaveTextContent('890'));
    expect(stateBadge()).toHaveTextContent('Paused');
  });

  it('changes the speed with the slider popover and shows it once confirmed', async () => {
    const { requests, user } = renderPage({
      extra: {
        'PATCH /api/v1/campaigns/4/speed': (request) =>
          jsonResponse(
            runningCampaign({ speed_mps: (request.body as { speed_mps: number }).speed_mps }),
          ),
      },
    });
    await screen.findByRole('heading', { name: 'November promo' });
    await user.click(await screen.findByRole('button', { name: 'Speed: 40/s' }));
    const input = await screen.findByRole('textbox', {
      name: 'Speed in messages per second',
      hidden: true,
    });
    await user.clear(input);
    await user.type(input, '75');
    await user.click(screen.getByRole('button', { name: 'Apply speed', hidden: true }));
    expect(await screen.findByRole('button', { name: 'Speed: 75/s' })).toBeInTheDocument();
    const sent = requestsTo(requests, 'PATCH', '/api/v1/campaigns/4/speed');
    expect(sent.map((request) => request.body)).toEqual([{ speed_mps: 75 }]);
  });

  it('adds recipients by filter and excludes them by id', async () => {
    const { requests, user } = renderPage({
      extra: {
        'POST /api/v1/campaigns/4/audience': () => jsonResponse({ added: 12, excluded: 2 }),
      },
    });
    await screen.findByRole('heading', { name: 'November promo' });
    await user.click(screen.getByRole('button', { name: 'Audience' }));
    let dialog = await screen.findByRole('dialog', { name: 'Change the audience' });
    const tagsInput = within(dialog).getByRole('textbox', { name: 'Has every one of these tags' });
    await user.click(tagsInput);
    const listbox = document.getElementById(tagsInput.getAttribute('aria-controls') ?? '');
    await user.click(within(listbox!).getByRole('option', { name: 'vip', hidden: true }));
    const group = within(dialog).getByRole('group', { name: 'Add a field condition' });
    await user.selectOptions(within(group).getByLabelText('Field'), 'age');
    await user.selectOptions(within(group).getByLabelText('Condition'), 'gte');
    await user.type(within(group).getByLabelText('Value'), '18');
    await user.click(within(group).getByRole('button', { name: 'Add condition' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add recipients' }));
    expect(await screen.findByText('12 recipients added to the queue.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Audience' }));
    dialog = await screen.findByRole('dialog', { name: 'Change the audience' });
    await user.click(within(dialog).getByRole('radio', { name: 'Exclude recipients' }));
    await user.click(within(dialog).getByRole('radio', { name: 'Contact ids' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Contact ids' }), '12, 15 19');
    await user.click(within(dialog).getByRole('button', { name: 'Exclude recipients' }));
    expect(await screen.findByText('2 recipients excluded.')).toBeInTheDocument();

    expect(requestsTo(requests, 'POST', '/api/v1/campaigns/4/audience').map((r) => r.body)).toEqual(
      [
        { add: { filter: { tag: ['vip'], 'field.age.gte': '18' } } },
        { exclude: { contact_ids: [12, 15, 19] } },
      ],
    );
  });

  it('filters the recipients by state and search, and loads more as it scrolls', async () => {
    const { requests, user } = renderPage({ route: '/campaigns/4?state=failed' });
    const table = await screen.findByRole('table', { name: 'Recipients' });
    const recipientRequests = () => requestsTo(requests, 'GET', '/api/v1/campaigns/4/recipients');
    expect(recipientRequests()[0]?.query.get('state')).toBe('failed');
    expect(recipientRequests()[0]?.query.get('limit')).toBe('100');
    // Virtualized: far fewer rows than loaded.
    expect(within(table).getAllByRole('row').length).toBeLessThan(40);

    await user.type(screen.getByRole('textbox', { name: 'Search recipients' }), '0812{Enter}');
    await waitFor(() => expect(recipientRequests().at(-1)?.query.get('q')).toBe('0812'));
    expect(recipientRequests().at(-1)?.query.get('state')).toBe('failed');

    const scroller = screen.getByTestId('recipients-scroll');
    act(() => {
      scroller.scrollTop = 100 * 44;
      scroller.dispatchEvent(new Event('scroll'));
    });
    await waitFor(() => expect(recipientRequests().at(-1)?.query.get('cursor')).toBe('100'));
  });

  it('appends timeline entries from campaign.event', async () => {
    const { realtime } = renderPage();
    const timeline = await screen.findByRole('list', { name: 'Timeline' });
    const echo = await connected(realtime);
    act(() =>
      echo.emitEvent(
        'campaign.event',
        makeEvent({ id: 3, kind: 'speed_changed', detail: '40 -> 80 messages/s' }),
        'campaign.4',
      ),
    );
    const entry = await within(timeline).findByRole('listitem', { name: 'Speed changed' });
    expect(entry).toHaveTextContent('40 -> 80 messages/s');
    // The same event twice is shown once.
    act(() =>
      echo.emitEvent('campaign.event', makeEvent({ id: 3, kind: 'speed_changed' }), 'campaign.4'),
    );
    expect(within(timeline).getAllByRole('listitem')).toHaveLength(3);
  });

  it('leaves the campaign channel when the page closes', async () => {
    const { realtime, unmount } = renderPage();
    await screen.findByRole('heading', { name: 'November promo' });
    const echo = await connected(realtime);
    unmount();
    expect(echo.leftChannels).toContain('private-campaign.4');
  });

  it('polls when realtime is down', async () => {
    const { realtime, requests, server } = renderPage();
    await screen.findByRole('heading', { name: 'November promo' });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    act(() => realtime.latest().emitStatus('failed'));
    expect(screen.getByText('Refreshing every few seconds')).toBeInTheDocument();
    server.campaign = runningCampaign({ counters: makeCounters({ sent: 1000 }) });
    await waitFor(() => expect(counter('Sent')).toHaveTextContent('1,000'), { timeout: 8000 });
    expect(requestsTo(requests, 'GET', '/api/v1/campaigns/4').length).toBeGreaterThanOrEqual(2);
  });

  it('shows viewers everything but no controls', async () => {
    renderPage({ role: 'viewer' });
    await screen.findByRole('heading', { name: 'November promo' });
    expect(counter('Sent')).toHaveTextContent('880');
    expect(screen.queryByRole('group', { name: 'Campaign controls' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(screen.queryByRole('button', { name: /More actions/ })).toBeNull();
  });
});
