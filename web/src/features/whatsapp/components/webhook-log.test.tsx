import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { WebhookEvent } from '../api/get-webhook-events';
import { makeAccount, makeWebhookEvent } from '../test-fixtures';
import { WebhookLogSettings } from './webhook-log';

const rawBody =
  '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[]}]}';

function listRequests(requests: RecordedRequest[]) {
  return requests.filter((request) => request.path === '/api/v1/webhooks/events');
}

function stubLog(
  pages: (request: RecordedRequest) => { data: WebhookEvent[]; next_cursor: string | null },
  extra: Parameters<typeof stubFetch>[0] = {},
) {
  return stubFetch({
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: [makeAccount()] }),
    'GET /api/v1/webhooks/events': (request) => jsonResponse(pages(request)),
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    ...extra,
  });
}

describe('WebhookLogSettings', () => {
  it.each(['editor', 'viewer'] as const)(
    'tells a %s that only owners and admins read the log, without asking the server',
    (role) => {
      const { requests } = stubFetch({});
      renderWithProviders(<WebhookLogSettings me={makeMe(role)} />);

      expect(screen.getByText('Only owners and admins can read the webhook log.')).toBeVisible();
      expect(requests).toHaveLength(0);
    },
  );

  it('lists webhooks with time, account, kinds, outcome, summary and size', async () => {
    stubLog(() => ({
      data: [
        makeWebhookEvent(),
        makeWebhookEvent({
          id: 30,
          account_id: null,
          kinds: ['messages'],
          outcome: 'unrouted',
          summary: '1 message',
          size_bytes: 4200,
        }),
        makeWebhookEvent({
          id: 29,
          kinds: ['message_template_status_update'],
          outcome: 'failed',
          error: 'unknown template',
          summary: '1 template update',
        }),
      ],
      next_cursor: null,
    }));
    renderWithProviders(<WebhookLogSettings me={makeMe('admin')} />);

    const table = await screen.findByRole('table', { name: 'Received webhooks' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/Acme main.*statuses.*Processed.*2 statuses.*812 B/);
    expect(rows[2]).toHaveTextContent(/Unrouted.*messages.*Unrouted.*1 message.*4\.1 KB/);
    expect(rows[3]).toHaveTextContent(/message_template_status_update.*Failed/);
  });

  it('sends the search, kind and outcome filters', async () => {
    const { requests } = stubLog(() => ({ data: [], next_cursor: null }));
    const { user } = renderWithProviders(<WebhookLogSettings me={makeMe('owner')} />);

    expect(await screen.findByText('No webhooks received yet')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Kind'), 'statuses');
    await user.selectOptions(screen.getByLabelText('Outcome'), 'failed');
    await user.type(screen.getByLabelText('Search the raw body'), 'wamid.HBg');

    await waitFor(() =>
      expect(Object.fromEntries(listRequests(requests).at(-1)!.query)).toEqual({
        q: 'wamid.HBg',
        kind: 'statuses',
        outcome: 'failed',
        limit: '50',
      }),
    );
    expect(await screen.findByText('No webhooks match')).toBeInTheDocument();
  });

  it('loads older webhooks with the cursor of the last page', async () => {
    const { requests } = stubLog((request) =>
      request.query.get('cursor') === 'c2'
        ? { data: [makeWebhookEvent({ id: 1, summary: 'the oldest' })], next_cursor: null }
        : { data: [makeWebhookEvent({ id: 2, summary: 'newer' })], next_cursor: 'c2' },
    );
    const { user } = renderWithProviders(<WebhookLogSettings me={makeMe('owner')} />);

    await user.click(await screen.findByRole('button', { name: 'Load older webhooks' }));
    expect(await screen.findByText('the oldest')).toBeInTheDocument();
    expect(screen.getByText('newer')).toBeInTheDocument();
    expect(listRequests(requests).map((request) => request.query.get('cursor'))).toEqual([
      null,
      'c2',
    ]);
    expect(screen.queryByRole('button', { name: 'Load older webhooks' })).toBeNull();
  });

  it('opens a webhook with its pretty-printed body, copies it, and replays it', async () => {
    let outcome: WebhookEvent['outcome'] = 'failed';
    const { requests } = stubLog(
      () => ({
        data: [makeWebhookEvent({ outcome, error: outcome === 'failed' ? 'boom' : null })],
        next_cursor: null,
      }),
      {
        'GET /api/v1/webhooks/events/31': () =>
          jsonResponse(makeWebhookEvent({ outcome, error: 'boom', body: rawBody })),
        'POST /api/v1/webhooks/events/31/replay': () => {
          outcome = 'processed';
          return jsonResponse(makeWebhookEvent({ outcome }));
        },
      },
    );
    const { user } = renderWithProviders(<WebhookLogSettings me={makeMe('owner')} />);

    const table = await screen.findByRole('table', { name: 'Received webhooks' });
    await user.click(within(table).getByRole('button', { name: /^Open webhook #31/ }));
    const drawer = await screen.findByRole('dialog', { name: 'Webhook #31' });
    const code = await within(drawer).findByLabelText('Raw body');
    expect(code.textContent).toBe(JSON.stringify(JSON.parse(rawBody), null, 2));
    expect(within(drawer).getByText('Processing failed')).toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: 'Copy body' }));
    // user-event stands in for the clipboard.
    expect(await navigator.clipboard.readText()).toBe(rawBody);
    expect(await within(drawer).findByRole('button', { name: 'Copied' })).toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: 'Replay' }));
    expect(await within(drawer).findByText('Replayed: processed')).toBeInTheDocument();
    expect(within(drawer).getByRole('table', { name: 'Webhook details' })).toHaveTextContent(
      'Processed',
    );
    // The body stays on screen, and the list shows the new outcome too.
    expect(within(drawer).getByLabelText('Raw body')).toBeInTheDocument();
    await waitFor(() => expect(within(table).getByText('Processed')).toBeInTheDocument());
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('puts webhooks into the list as they arrive, and updates them when processed', async () => {
    stubLog(() => ({ data: [makeWebhookEvent()], next_cursor: null }));
    const realtime = fakeConnect();
    renderWithProviders(
      <RealtimeProvider connect={realtime.connect}>
        <WebhookLogSettings me={makeMe('owner')} />
      </RealtimeProvider>,
    );

    const table = await screen.findByRole('table', { name: 'Received webhooks' });
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const arriving = makeWebhookEvent({
      id: 32,
      outcome: 'pending',
      kinds: ['messages'],
      summary: '1 message',
      received_at: '2026-11-25T04:05:00Z',
    });
    act(() => realtime.latest().emitEvent('webhook.received', arriving));

    const rows = () => within(table).getAllByRole('row').slice(1);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]).toHaveTextContent(/messages.*Pending.*1 message/);

    act(() =>
      realtime.latest().emitEvent('webhook.received', { ...arriving, outcome: 'processed' }),
    );
    await waitFor(() => expect(rows()[0]).toHaveTextContent(/messages.*Processed/));
    expect(rows()).toHaveLength(2);
  });
});
