import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/auth';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Campaign } from '../api/get-campaign';
import { accounts, makeCampaign, makeCounters, makeDraft, templates } from '../test-fixtures';
import { CampaignsPage } from './campaigns-page';

afterEach(() => {
  vi.useRealTimers();
});

function listRequests(requests: RecordedRequest[]) {
  return requests.filter(
    (request) => request.method === 'GET' && request.path === '/api/v1/campaigns',
  );
}

function renderPage({
  role = 'editor',
  route = '/campaigns',
  campaigns = [makeCampaign(), makeDraft()],
  extra = {},
}: {
  role?: Role;
  route?: string;
  campaigns?: Campaign[];
  extra?: Parameters<typeof stubFetch>[0];
} = {}) {
  const server = { campaigns };
  const { requests } = stubFetch({
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    'GET /api/v1/campaigns': (request) => {
      const state = request.query.get('state');
      const q = request.query.get('q')?.toLowerCase();
      const data = server.campaigns.filter(
        (campaign) =>
          (!state || campaign.state === state) && (!q || campaign.name.toLowerCase().includes(q)),
      );
      return jsonResponse({ data, next_cursor: null });
    },
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: templates }),
    'GET /api/v1/contacts': () => jsonResponse({ data: [], next_cursor: null }),
    ...extra,
  });
  const realtime = fakeConnect();
  const view = renderWithProviders(
    <RealtimeProvider connect={realtime.connect}>
      <CampaignsPage me={makeMe(role)} />
    </RealtimeProvider>,
    { route, routes: [{ path: '/campaigns/new', element: <p>Editor</p> }] },
  );
  return { ...view, requests, realtime, server };
}

async function connected(realtime: ReturnType<typeof fakeConnect>) {
  await waitFor(() => expect(realtime.instances).toHaveLength(1));
  const echo = realtime.latest();
  act(() => echo.emitStatus('connected'));
  return echo;
}

describe('CampaignsPage', { timeout: 30_000 }, () => {
  it('lists campaigns with state, senders, audience, progress, rate and ETA', async () => {
    renderPage();
    const table = await screen.findByRole('table', { name: 'Campaigns' });
    const row = within(table).getByRole('row', { name: 'November promo' });
    expect(within(row).getByRole('link', { name: 'November promo' })).toHaveAttribute(
      'href',
      '/campaigns/4',
    );
    expect(within(row).getByText('Running')).toBeInTheDocument();
    expect(await within(row).findByText('+1 555-000-0001')).toBeInTheDocument();
    expect(within(row).getByText('+1 555-000-0002')).toBeInTheDocument();
    expect(within(row).getByText('1,200')).toBeInTheDocument();
    expect(
      within(row).getByRole('progressbar', { name: 'Progress of November promo' }),
    ).toHaveAttribute('aria-valuetext', '880 sent, 16 failed of 1,200 (75%)');
    expect(within(row).getByText('38.5/s')).toBeInTheDocument();
    expect(within(row).getByText('8 s left')).toBeInTheDocument();

    const draft = within(table).getByRole('row', { name: 'Draft one' });
    expect(within(draft).getByText('Draft')).toBeInTheDocument();
    expect(within(draft).getByText('Not launched')).toBeInTheDocument();
    expect(within(draft).queryByRole('progressbar')).toBeNull();
  });

  it('moves a row live from campaign.updated, without polling while connected', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { realtime, requests } = renderPage();
    const table = await screen.findByRole('table', { name: 'Campaigns' });
    const echo = await connected(realtime);
    const row = within(table).getByRole('row', { name: 'November promo' });
    const draftRow = within(table).getByRole('row', { name: 'Draft one' });

    act(() =>
      echo.emitEvent('campaign.updated', {
        id: 4,
        state: 'running',
        counters: makeCounters({ sent: 1000, delivered: 950, read: 700, failed: 20, queued: 176 }),
        rate: { current_mps: 40, eta_seconds: 4 },
      }),
    );
    // The query cache tells its observers on the next tick.
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(within(row).getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      '1,000 sent, 20 failed of 1,200 (85%)',
    );
    expect(within(row).getByText('40/s')).toBeInTheDocument();
    expect(within(row).getByText('4 s left')).toBeInTheDocument();
    // The other row is the same element, untouched.
    expect(within(table).getByRole('row', { name: 'Draft one' })).toBe(draftRow);

    await act(() => vi.advanceTimersByTimeAsync(20_000));
    expect(listRequests(requests)).toHaveLength(1);

    act(() =>
      echo.emitEvent('campaign.updated', {
        id: 4,
        state: 'completed',
        counters: makeCounters({ queued: 0, sending: 0, sent: 1184, failed: 16 }),
        rate: { current_mps: 0, eta_seconds: null },
      }),
    );
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(within(row).getByText('Completed')).toBeInTheDocument();
    // A change of state may move the campaign in or out of a filtered list: fetched once more.
    await act(() => vi.advanceTimersByTimeAsync(2000));
    expect(listRequests(requests)).toHaveLength(2);
  });

  it('polls while realtime is down and a campaign is active', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { realtime, requests, server } = renderPage();
    const table = await screen.findByRole('table', { name: 'Campaigns' });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    act(() => realtime.latest().emitStatus('failed'));
    server.campaigns = [makeCampaign({ counters: makeCounters({ sent: 1100, queued: 80 }) })];
    await act(() => vi.advanceTimersByTimeAsync(4500));
    expect(listRequests(requests).length).toBeGreaterThanOrEqual(2);
    expect(within(table).getByRole('progressbar')).toHaveAttribute(
      'aria-valuetext',
      '1,100 sent, 16 failed of 1,200 (93%)',
    );
  });

  it('sends the state filter and the search, and keeps them in the URL', async () => {
    const { requests, user, router } = renderPage({ route: '/campaigns?state=running' });
    await screen.findByRole('table', { name: 'Campaigns' });
    expect(listRequests(requests)[0]?.query.get('state')).toBe('running');
    expect(screen.queryByRole('row', { name: 'Draft one' })).toBeNull();

    await user.type(screen.getByRole('textbox', { name: 'Search campaigns' }), 'nov{Enter}');
    await waitFor(() => expect(router.state.location.search).toBe('?state=running&q=nov'));
    const last = listRequests(requests).at(-1);
    expect(last?.query.get('q')).toBe('nov');
    expect(last?.query.get('state')).toBe('running');
    expect(last?.query.get('limit')).toBe('50');
  });

  it('offers viewers no new campaign and no emergency stop', async () => {
    renderPage({ role: 'viewer' });
    await screen.findByRole('table', { name: 'Campaigns' });
    expect(screen.queryByRole('link', { name: 'New campaign' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Emergency stop' })).toBeNull();
  });

  it('explains what a first campaign needs, with links', async () => {
    renderPage({ campaigns: [] });
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
    const needs = screen.getByRole('list', { name: 'What a campaign needs' });
    expect(within(needs).getByRole('link', { name: 'Settings → WhatsApp' })).toHaveAttribute(
      'href',
      '/settings/whatsapp',
    );
    expect(within(needs).getByRole('link', { name: 'Templates' })).toHaveAttribute(
      'href',
      '/templates',
    );
    expect(within(needs).getByRole('link', { name: 'Contacts' })).toHaveAttribute(
      'href',
      '/contacts',
    );
    // The number and the approved template exist; no contact yet.
    await waitFor(() => expect(within(needs).getAllByLabelText('Done')).toHaveLength(2));
    expect(within(needs).getAllByLabelText('To do')).toHaveLength(1);
    expect(screen.getAllByRole('link', { name: 'New campaign' }).length).toBeGreaterThan(0);
  });

  it('asks before an emergency stop, naming what it stops, and sends the reason', async () => {
    const running = [makeCampaign(), makeCampaign({ id: 5, name: 'Second' })];
    const stop = vi.fn(() => jsonResponse({ stopped: [4, 5, 7] }));
    const { requests, user } = renderPage({
      extra: {
        'GET /api/v1/campaigns': (request) => {
          const state = request.query.get('state');
          if (state === 'running') return jsonResponse({ data: running, next_cursor: null });
          if (state === 'scheduled') {
            return jsonResponse({
              data: [makeCampaign({ id: 7, state: 'scheduled' })],
              next_cursor: null,
            });
          }
          if (state === 'paused') return jsonResponse({ data: [], next_cursor: null });
          return jsonResponse({ data: running, next_cursor: null });
        },
        'POST /api/v1/campaigns/emergency-stop': stop,
      },
    });
    await screen.findByRole('table', { name: 'Campaigns' });
    await user.click(screen.getByRole('button', { name: 'Emergency stop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Stop every campaign?' });
    expect(
      await within(dialog).findByText(
        'This stops 2 running campaigns and 1 scheduled campaign at once.',
      ),
    ).toBeInTheDocument();
    expect(stop).not.toHaveBeenCalled();

    await user.type(within(dialog).getByLabelText('Reason (optional)'), 'Wrong price');
    await user.click(within(dialog).getByRole('button', { name: 'Stop all campaigns' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const sent = requests.find((request) => request.path === '/api/v1/campaigns/emergency-stop');
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toEqual({ reason: 'Wrong price' });
    expect(sent?.headers.get('X-CSRF-Token')).toBeDefined();
    expect(await screen.findByText('Stopped 3 campaigns.')).toBeInTheDocument();
  });
});
