import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Endpoint } from '../api/get-endpoints';
import { knownEventNames, makeDelivery, makeEndpoint } from '../test-fixtures';
import { OutgoingWebhooksSettings } from './outgoing-webhooks-settings';

const secret = 'whsec_Q2vLm8pRt6wYz1B3fA9xQ2vLm8pRt6wY';

function stubEndpoints(endpoints: () => Endpoint[], extra: Parameters<typeof stubFetch>[0] = {}) {
  return stubFetch({
    'GET /api/v1/webhooks/endpoints': () =>
      jsonResponse({ data: endpoints(), events: knownEventNames }),
    ...extra,
  });
}

function writes(requests: RecordedRequest[]) {
  return requests.filter((request) => request.method !== 'GET');
}

describe('OutgoingWebhooksSettings', () => {
  it.each(['editor', 'viewer'] as const)(
    'tells the role %s that only owners and admins manage endpoints, without asking the server',
    (role) => {
      const { requests } = stubFetch({});
      renderWithProviders(<OutgoingWebhooksSettings me={makeMe(role)} />);

      expect(
        screen.getByText('Only owners and admins can manage outgoing webhooks.'),
      ).toBeVisible();
      expect(requests).toHaveLength(0);
    },
  );

  it('lists endpoints with their events, last delivery, failures and switch', async () => {
    stubEndpoints(() => [
      makeEndpoint(),
      makeEndpoint({
        id: 4,
        url: 'https://hooks.example.org/in',
        description: '',
        events: ['contact.created', 'message.status'],
        last_status: 500,
        last_error: 'The receiver answered 500.',
        consecutive_failures: 3,
      }),
      makeEndpoint({
        id: 5,
        url: 'https://old.example.net/gone',
        events: ['message.received'],
        enabled: false,
        disabled_reason: 'The receiver answered 410 Gone.',
        last_status: 410,
        consecutive_failures: 1,
      }),
      makeEndpoint({
        id: 6,
        url: 'https://new.example.com/x',
        last_status: null,
        last_attempt_at: null,
      }),
    ]);
    renderWithProviders(<OutgoingWebhooksSettings me={makeMe('admin')} />);

    const table = await screen.findByRole('table', { name: 'Endpoints' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/crm\.example\.com\/kirim.*CRM sync.*All events.*200/);
    expect(rows[2]).toHaveTextContent(/hooks\.example\.org.*2 events.*500.*3 failures in a row/);
    expect(rows[3]).toHaveTextContent(/message\.received.*410.*The receiver answered 410 Gone\./);
    expect(rows[4]).toHaveTextContent(/Not called yet/);
    expect(within(rows[1]!).getByRole('switch')).toBeChecked();
    expect(within(rows[3]!).getByRole('switch')).not.toBeChecked();
  });

  it('adds an endpoint for chosen events and shows its secret once', async () => {
    let endpoints: Endpoint[] = [];
    const { requests } = stubEndpoints(() => endpoints, {
      'POST /api/v1/webhooks/endpoints': (request) => {
        const made = makeEndpoint({ id: 9, url: 'https://crm.example.com/hook', events: ['x'] });
        endpoints = [made];
        return jsonResponse({ endpoint: made, secret, request: request.body }, { status: 201 });
      },
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    expect(await screen.findByText('No endpoints yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an endpoint' });
    await user.type(within(dialog).getByLabelText('URL'), '  https://crm.example.com/hook ');
    await user.type(within(dialog).getByLabelText('Description'), 'CRM');
    await user.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'contact.created' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'message.status' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));

    const secretDialog = await screen.findByRole('dialog', {
      name: 'Endpoint added: copy its secret',
    });
    expect(writes(requests)[0]!.body).toEqual({
      url: 'https://crm.example.com/hook',
      description: 'CRM',
      events: ['contact.created', 'message.status'],
    });
    expect(within(secretDialog).getByLabelText('Signing secret')).toHaveValue(secret);
    await user.click(within(secretDialog).getByRole('button', { name: 'Copy Signing secret' }));
    expect(await navigator.clipboard.readText()).toBe(secret);
    // Escape does not lose it; Done does, for good.
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Endpoint added: copy its secret' })).toBeVisible();
    await user.click(within(secretDialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByDisplayValue(secret)).toBeNull());
    expect(await screen.findByRole('table', { name: 'Endpoints' })).toHaveTextContent(
      'crm.example.com/hook',
    );
    expect(document.body).not.toHaveTextContent(secret);
  });

  it('checks the form first and puts the server reasons under their fields', async () => {
    const { requests } = stubEndpoints(() => [], {
      'POST /api/v1/webhooks/endpoints': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          url: 'must not point to a loopback, private or link-local address',
        }),
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    await user.click(await screen.findByRole('button', { name: 'Add endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add an endpoint' });
    await user.type(within(dialog).getByLabelText('URL'), 'ftp://example.com');
    await user.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(
      within(dialog).getByText('Use a URL that starts with http:// or https://'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Choose at least one event, or all events'),
    ).toBeInTheDocument();
    expect(writes(requests)).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText('URL'));
    await user.type(within(dialog).getByLabelText('URL'), 'http://10.0.0.5/hook');
    await user.click(within(dialog).getByRole('checkbox', { name: 'All events' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(
      await within(dialog).findByText(
        'Must not point to a loopback, private or link-local address',
      ),
    ).toBeInTheDocument();
    expect(writes(requests)).toHaveLength(1);
    expect(writes(requests)[0]!.body).toMatchObject({ events: ['*'] });
  });

  it('edits only what changed, and turns an endpoint off with its switch', async () => {
    let endpoint = makeEndpoint({ events: ['contact.created'] });
    const { requests } = stubEndpoints(() => [endpoint], {
      'PATCH /api/v1/webhooks/endpoints/3': (request) => {
        endpoint = { ...endpoint, ...(request.body as Partial<Endpoint>) };
        return jsonResponse(endpoint);
      },
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    await user.click(
      await screen.findByRole('switch', { name: 'Enabled: https://crm.example.com/kirim' }),
    );
    await waitFor(() => expect(writes(requests)).toHaveLength(1));
    expect(writes(requests)[0]!.body).toEqual({ enabled: false });
    await waitFor(() =>
      expect(
        screen.getByRole('switch', { name: 'Enabled: https://crm.example.com/kirim' }),
      ).not.toBeChecked(),
    );

    await user.click(
      screen.getByRole('button', { name: 'More for https://crm.example.com/kirim' }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit endpoint' });
    expect(within(dialog).getByRole('checkbox', { name: 'All events' })).not.toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'contact.created' })).toBeChecked();
    await user.click(within(dialog).getByRole('checkbox', { name: 'contact.deleted' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save endpoint' }));
    await waitFor(() => expect(writes(requests)).toHaveLength(2));
    expect(writes(requests)[1]!.body).toEqual({ events: ['contact.created', 'contact.deleted'] });
  });

  it('sends a test event and shows the endpoint deliveries', async () => {
    let deliveries = [makeDelivery({ id: 40 })];
    const { requests } = stubEndpoints(() => [makeEndpoint()], {
      'POST /api/v1/webhooks/endpoints/3/test': () => {
        const ping = makeDelivery({
          id: 42,
          event: 'ping',
          state: 'failed',
          response_status: 502,
          error: 'The receiver answered 502.',
          attempts: 12,
        });
        deliveries = [ping, ...deliveries];
        return jsonResponse(ping, { status: 202 });
      },
      'GET /api/v1/webhooks/endpoints/3/deliveries': () =>
        jsonResponse({ data: deliveries, next_cursor: null }),
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    await user.click(
      await screen.findByRole('button', { name: 'More for https://crm.example.com/kirim' }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Send test event' }));
    const table = await screen.findByRole('table', { name: 'Deliveries' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/ping.*Failed.*502.*12.*35 ms/);
    expect(rows[2]).toHaveTextContent(/contact\.created.*Delivered.*200.*1/);
    expect(writes(requests).map((r) => r.path)).toEqual(['/api/v1/webhooks/endpoints/3/test']);
  });

  it('reads the endpoints again when its deliveries moved on, for the last status', async () => {
    // The server has delivered since the list was read.
    let endpoint = makeEndpoint({ last_status: null, last_attempt_at: null });
    stubEndpoints(() => [endpoint], {
      'GET /api/v1/webhooks/endpoints/3/deliveries': () => {
        endpoint = makeEndpoint({ last_status: 204, last_attempt_at: '2026-11-25T04:00:01Z' });
        return jsonResponse({ data: [makeDelivery({ response_status: 204 })], next_cursor: null });
      },
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    const endpoints = await screen.findByRole('table', { name: 'Endpoints' });
    expect(endpoints).toHaveTextContent('Not called yet');
    await user.click(
      screen.getByRole('button', { name: 'Deliveries of https://crm.example.com/kirim' }),
    );
    expect(await screen.findByRole('table', { name: 'Deliveries' })).toHaveTextContent('204');
    await waitFor(() => expect(endpoints).not.toHaveTextContent('Not called yet'));
    expect(endpoints).toHaveTextContent('204');
  });

  it('deletes an endpoint after confirmation', async () => {
    let endpoints = [makeEndpoint()];
    const { requests } = stubEndpoints(() => endpoints, {
      'DELETE /api/v1/webhooks/endpoints/3': () => {
        endpoints = [];
        return jsonResponse(null, { status: 204 });
      },
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    await user.click(
      await screen.findByRole('button', { name: 'More for https://crm.example.com/kirim' }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this endpoint?' });
    expect(writes(requests)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete endpoint' }));
    expect(await screen.findByText('No endpoints yet')).toBeInTheDocument();
    expect(writes(requests).map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /api/v1/webhooks/endpoints/3',
    ]);
  });

  it('rotates the secret after confirmation and shows the new one once', async () => {
    const { requests } = stubEndpoints(() => [makeEndpoint()], {
      'POST /api/v1/webhooks/endpoints/3/rotate-secret': () =>
        jsonResponse({ endpoint: makeEndpoint(), secret }),
    });
    const { user } = renderWithProviders(<OutgoingWebhooksSettings me={makeMe('owner')} />);

    await user.click(
      await screen.findByRole('button', { name: 'More for https://crm.example.com/kirim' }),
    );
    await user.click(await screen.findByRole('menuitem', { name: 'Rotate secret' }));
    const confirm = await screen.findByRole('dialog', { name: 'Rotate the signing secret?' });
    await user.click(within(confirm).getByRole('button', { name: 'Rotate secret' }));
    const shown = await screen.findByRole('dialog', { name: 'Copy the new secret' });
    expect(within(shown).getByLabelText('Signing secret')).toHaveValue(secret);
    expect(shown).toHaveTextContent('The old secret no longer signs anything.');
    expect(writes(requests)).toHaveLength(1);
  });
});
