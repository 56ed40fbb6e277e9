import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import type { Delivery } from '../api/get-deliveries';
import { makeDelivery, makeEndpoint } from '../test-fixtures';
import { DeliveriesCard } from './deliveries-card';

const payload = {
  id: 41,
  event: 'contact.created',
  created_at: '2026-11-25T04:00:00Z',
  data: { contact: { id: 7, phone: '+6281234567890' } },
};

function listRequests(requests: RecordedRequest[]) {
  return requests.filter((request) => request.path === '/api/v1/webhooks/endpoints/3/deliveries');
}

describe('DeliveriesCard', () => {
  it('filters by state and loads older deliveries with the cursor', async () => {
    const { requests } = stubFetch({
      'GET /api/v1/webhooks/endpoints/3/deliveries': (request) => {
        if (request.query.get('state') === 'failed') {
          return jsonResponse({
            data: [makeDelivery({ id: 30, state: 'failed', error: 'No answer within 10 s.' })],
            next_cursor: null,
          });
        }
        return request.query.get('cursor') === '40'
          ? jsonResponse({
              data: [makeDelivery({ id: 39, event: 'message.status' })],
              next_cursor: null,
            })
          : jsonResponse({ data: [makeDelivery()], next_cursor: '40' });
      },
    });
    const { user } = renderWithProviders(<DeliveriesCard endpoint={makeEndpoint()} />);

    await user.click(await screen.findByRole('button', { name: 'Load older deliveries' }));
    expect(await screen.findByText('message.status')).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Failed' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Deliveries' })).getAllByRole('row'),
      ).toHaveLength(2),
    );
    expect(screen.getByRole('table', { name: 'Deliveries' })).toHaveTextContent('Failed');
    expect(
      listRequests(requests).map((r) => [r.query.get('state'), r.query.get('cursor')]),
    ).toEqual([
      [null, null],
      [null, '40'],
      ['failed', null],
    ]);
  });

  it('opens a delivery with its payload, response and error, and redelivers it', async () => {
    let shown: Delivery = makeDelivery({
      state: 'failed',
      attempts: 12,
      response_status: 500,
      error: 'The receiver answered 500.',
      delivered_at: null,
      payload,
      response_body: '{"error":"database down"}',
    });
    const { requests } = stubFetch({
      'GET /api/v1/webhooks/endpoints/3/deliveries': () =>
        jsonResponse({ data: [shown], next_cursor: null }),
      'GET /api/v1/webhooks/deliveries/41': () => jsonResponse(shown),
      'POST /api/v1/webhooks/deliveries/41/redeliver': () => {
        shown = { ...shown, state: 'pending', redeliveries: 1, next_attempt_at: null };
        return jsonResponse(shown, { status: 202 });
      },
    });
    const { user } = renderWithProviders(<DeliveriesCard endpoint={makeEndpoint()} />);

    await user.click(await screen.findByRole('button', { name: /^Open delivery #41/ }));
    const drawer = await screen.findByRole('dialog', { name: 'Delivery #41' });
    expect(await within(drawer).findByLabelText('Payload')).toHaveTextContent(
      JSON.stringify(payload, null, 2).replace(/\s+/g, ' '),
      { normalizeWhitespace: true },
    );
    expect(within(drawer).getByLabelText('Response body').textContent).toBe(
      JSON.stringify({ error: 'database down' }, null, 2),
    );
    expect(within(drawer).getByText('The receiver answered 500.')).toBeInTheDocument();
    expect(within(drawer).getByRole('table', { name: 'Delivery details' })).toHaveTextContent(
      /Failed.*contact\.created.*500.*12/,
    );

    await user.click(within(drawer).getByRole('button', { name: 'Redeliver' }));
    expect(
      await within(drawer).findByText('Queued again with the same id and body.'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(within(drawer).getByRole('button', { name: 'Redeliver' })).toBeDisabled(),
    );
    expect(within(drawer).getByRole('table', { name: 'Delivery details' })).toHaveTextContent(
      /Pending.*redelivered 1×/,
    );
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('shows why a redelivery was refused', async () => {
    const failed = makeDelivery({ state: 'failed', payload, response_body: '' });
    stubFetch({
      'GET /api/v1/webhooks/endpoints/3/deliveries': () =>
        jsonResponse({ data: [failed], next_cursor: null }),
      'GET /api/v1/webhooks/deliveries/41': () => jsonResponse(failed),
      'POST /api/v1/webhooks/deliveries/41/redeliver': () =>
        errorResponse(409, 'conflict', 'The endpoint is disabled; enable it to redeliver.'),
    });
    const { user } = renderWithProviders(<DeliveriesCard endpoint={makeEndpoint()} />);

    await user.click(await screen.findByRole('button', { name: /^Open delivery #41/ }));
    const drawer = await screen.findByRole('dialog', { name: 'Delivery #41' });
    await user.click(await within(drawer).findByRole('button', { name: 'Redeliver' }));
    expect(await within(drawer).findByRole('alert')).toHaveTextContent(
      'The endpoint is disabled; enable it to redeliver.',
    );
  });

  it('says so when nothing was sent yet', async () => {
    stubFetch({
      'GET /api/v1/webhooks/endpoints/3/deliveries': () =>
        jsonResponse({ data: [], next_cursor: null }),
    });
    renderWithProviders(<DeliveriesCard endpoint={makeEndpoint()} />);
    expect(await screen.findByText('Nothing sent yet')).toBeInTheDocument();
  });
});
