import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Account } from '../api/get-accounts';
import { makeAccount, makePhoneNumber } from '../test-fixtures';
import { WhatsAppSettings } from './whatsapp-settings';

const accessToken = 'EAAG-secret-access-token-123';
const appSecret = 'app-secret-456';

function stubAccounts(accounts: Account[], extra: Parameters<typeof stubFetch>[0] = {}) {
  return stubFetch({
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
    ...extra,
  });
}

describe('WhatsAppSettings', () => {
  it('shows each account with its secrets as set or not, its callback URL and numbers', async () => {
    stubAccounts([
      makeAccount({
        phone_numbers: [
          makePhoneNumber(),
          makePhoneNumber({
            id: 6,
            pnid: '2',
            display_number: '+1 555-0101',
            verified_name: 'Acme Support',
            quality_rating: 'RED',
            messaging_tier: 'TIER_UNLIMITED',
            throughput_mps: 1000,
            status: 'FLAGGED',
          }),
        ],
      }),
    ]);
    renderWithProviders(<WhatsAppSettings me={makeMe('admin')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    expect(card).toHaveTextContent('102290129340398');
    expect(within(card).getByText('Active')).toBeInTheDocument();
    const secrets = within(card).getByRole('group', { name: 'Secrets of Acme main' });
    expect(secrets).toHaveTextContent('Access token: set');
    expect(secrets).toHaveTextContent('App secret: set');
    expect(secrets).toHaveTextContent('Verify token: not set');
    expect(within(card).getByRole('button', { name: 'Replace access token' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Set verify token' })).toBeInTheDocument();
    expect(within(card).getByLabelText('Webhook callback URL')).toHaveValue(
      `${window.location.origin}/webhooks/whatsapp/2`,
    );
    expect(screen.getByLabelText('Server-wide callback URL')).toHaveValue(
      `${window.location.origin}/webhooks/whatsapp`,
    );

    const numbers = within(card).getByRole('table', { name: 'Phone numbers of Acme main' });
    const [, first, second] = within(numbers).getAllByRole('row');
    expect(first).toHaveTextContent(/\+1 555-0100.*Acme.*High.*10K \/ day.*80 mps.*Connected/);
    expect(second).toHaveTextContent(
      /\+1 555-0101.*Acme Support.*Low.*Unlimited.*1000 mps.*Flagged/,
    );
  });

  it('shows a paused account with its reason', async () => {
    stubAccounts([makeAccount({ status: 'paused', paused_reason: 'Meta restricted the number' })]);
    renderWithProviders(<WhatsAppSettings me={makeMe('owner')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    expect(within(card).getByText('Paused')).toBeInTheDocument();
    expect(card).toHaveTextContent('Paused: Meta restricted the number.');
    expect(within(card).getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });

  it.each(['editor', 'viewer'] as const)(
    'gives a %s a read-only view with the reason',
    async (role) => {
      stubAccounts([makeAccount()]);
      renderWithProviders(<WhatsAppSettings me={makeMe(role)} />);

      const card = await screen.findByRole('article', { name: 'Acme main' });
      expect(
        screen.getByText('Only owners and admins can connect and change WhatsApp accounts.'),
      ).toBeInTheDocument();
      expect(within(card).queryByRole('button', { name: 'Refresh from Meta' })).toBeNull();
      expect(within(card).queryByRole('button', { name: 'Delete' })).toBeNull();
      expect(within(card).queryByRole('button', { name: /Replace/ })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Connect an account' })).toBeNull();
      expect(card).toHaveTextContent('Access token: set');
    },
  );

  it('explains WABAs and the sandbox when nothing is connected', async () => {
    stubAccounts([]);
    renderWithProviders(<WhatsAppSettings me={makeMe('owner')} />);

    expect(await screen.findByText('No WhatsApp account connected')).toBeInTheDocument();
    expect(screen.getByText(/WhatsApp Business account \(WABA\)/)).toBeInTheDocument();
    expect(screen.getByText('kirim sandbox')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect an account' })).toBeInTheDocument();
  });

  it('connects an account: sends what was typed, leaves out empty options, never shows a secret', async () => {
    let accounts: Account[] = [];
    const { requests } = stubAccounts([], {
      'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
      'POST /api/v1/whatsapp/accounts': () => {
        accounts = [makeAccount({ name: 'Sandbox', graph_url: 'http://127.0.0.1:8090/v23.0' })];
        return jsonResponse(accounts[0], { status: 201 });
      },
    });
    const { user } = renderWithProviders(<WhatsAppSettings me={makeMe('owner')} />);

    await user.click(await screen.findByRole('button', { name: 'Connect an account' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a WhatsApp account' });
    await user.type(within(dialog).getByLabelText('Name'), ' Sandbox ');
    await user.type(within(dialog).getByLabelText('WABA ID'), '100000000000001');
    await user.type(within(dialog).getByLabelText('Access token'), accessToken);
    await user.type(within(dialog).getByLabelText('App secret (optional)'), appSecret);
    const advanced = within(dialog).getByRole('button', { name: 'Advanced' });
    expect(advanced).toHaveAttribute('aria-expanded', 'false');
    await user.click(advanced);
    await user.type(
      within(dialog).getByLabelText('Graph API URL (optional)'),
      'http://127.0.0.1:8090/v23.0',
    );
    // Secrets are typed into password fields, hidden as they are typed.
    expect(within(dialog).getByLabelText('Access token')).toHaveAttribute('type', 'password');
    await user.click(within(dialog).getByRole('button', { name: 'Connect account' }));

    expect(await screen.findByRole('article', { name: 'Sandbox' })).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      name: 'Sandbox',
      waba_id: '100000000000001',
      access_token: accessToken,
      app_secret: appSecret,
      graph_url: 'http://127.0.0.1:8090/v23.0',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Connect a WhatsApp account' })).toBeNull(),
    );
    expect(document.body).not.toHaveTextContent(accessToken);
    expect(screen.queryByDisplayValue(accessToken)).toBeNull();
    expect(screen.queryByDisplayValue(appSecret)).toBeNull();
    expect(screen.getByRole('article', { name: 'Sandbox' })).toHaveTextContent(
      'http://127.0.0.1:8090/v23.0',
    );
  });

  it('checks the form before sending and puts server reasons under their fields', async () => {
    const { requests } = stubAccounts([], {
      'POST /api/v1/whatsapp/accounts': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          waba_id: 'is already connected in this workspace',
          graph_url: 'must use http or https',
        }),
    });
    const { user } = renderWithProviders(<WhatsAppSettings me={makeMe('admin')} />);

    await user.click(await screen.findByRole('button', { name: 'Connect an account' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a WhatsApp account' });
    await user.click(within(dialog).getByRole('button', { name: 'Connect account' }));
    expect(within(dialog).getByLabelText('Name')).toHaveAccessibleDescription(/Enter a name/);
    expect(within(dialog).getByLabelText('WABA ID')).toHaveAccessibleDescription(
      /Enter the WABA ID/,
    );
    expect(within(dialog).getByLabelText('Access token')).toHaveAccessibleDescription(
      /Paste the access token/,
    );
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);

    await user.type(within(dialog).getByLabelText('Name'), 'Acme');
    await user.type(within(dialog).getByLabelText('WABA ID'), '102290129340398');
    await user.type(within(dialog).getByLabelText('Access token'), accessToken);
    await user.click(within(dialog).getByRole('button', { name: 'Connect account' }));

    const waba = within(dialog).getByLabelText('WABA ID');
    await waitFor(() =>
      expect(waba).toHaveAccessibleDescription(/Is already connected in this workspace/),
    );
    expect(waba).toHaveAttribute('aria-invalid', 'true');
    // The reason about the Graph API URL opens the Advanced section it sits in.
    expect(within(dialog).getByRole('button', { name: 'Advanced' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    expect(within(dialog).getByLabelText('Graph API URL (optional)')).toHaveAccessibleDescription(
      /Must use http or https/,
    );
  });

  it("shows Meta's error when a refresh fails with 502", async () => {
    const { requests } = stubAccounts([makeAccount()], {
      'POST /api/v1/whatsapp/accounts/2/refresh': () =>
        errorResponse(
          502,
          'upstream_failed',
          '(#190) Error validating access token: Session has expired',
        ),
    });
    const { user } = renderWithProviders(<WhatsAppSettings me={makeMe('admin')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    await user.click(within(card).getByRole('button', { name: 'Refresh from Meta' }));

    const alert = await within(card).findByRole('alert');
    expect(alert).toHaveTextContent('Refreshing from Meta failed');
    expect(alert).toHaveTextContent('(#190) Error validating access token: Session has expired');
    expect(requests.some((request) => request.path.endsWith('/refresh'))).toBe(true);
  });

  it('shows the stored reason of the last failed refresh', async () => {
    stubAccounts([makeAccount({ phone_numbers: [], refresh_error: 'Graph API unreachable' })]);
    renderWithProviders(<WhatsAppSettings me={makeMe('viewer')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    expect(within(card).getByRole('alert')).toHaveTextContent('Graph API unreachable');
    expect(card).toHaveTextContent('No phone numbers yet');
  });

  it('replaces a secret without ever showing the current one', async () => {
    const { requests } = stubAccounts([makeAccount()], {
      'PATCH /api/v1/whatsapp/accounts/2': () => jsonResponse(makeAccount()),
    });
    const { user } = renderWithProviders(<WhatsAppSettings me={makeMe('owner')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    await user.click(within(card).getByRole('button', { name: 'Replace access token' }));
    const dialog = await screen.findByRole('dialog', {
      name: 'Replace the access token of Acme main',
    });
    const input = within(dialog).getByLabelText('New access token');
    expect(input).toHaveValue('');
    await user.type(input, 'new-token');
    await user.click(within(dialog).getByRole('button', { name: 'Replace access token' }));

    await waitFor(() =>
      expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({
        access_token: 'new-token',
      }),
    );
  });

  it('pauses after confirmation, and deletes after confirmation', async () => {
    let accounts = [makeAccount()];
    const { requests } = stubAccounts([], {
      'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
      'PATCH /api/v1/whatsapp/accounts/2': () => {
        accounts = [makeAccount({ status: 'paused' })];
        return jsonResponse(accounts[0]);
      },
      'DELETE /api/v1/whatsapp/accounts/2': () => {
        accounts = [];
        return jsonResponse(null, { status: 204 });
      },
    });
    const { user } = renderWithProviders(<WhatsAppSettings me={makeMe('owner')} />);

    const card = await screen.findByRole('article', { name: 'Acme main' });
    await user.click(within(card).getByRole('button', { name: 'Pause' }));
    const pause = await screen.findByRole('dialog', { name: 'Pause Acme main?' });
    await user.click(within(pause).getByRole('button', { name: 'Pause account' }));
    expect(await within(card).findByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({
      status: 'paused',
    });

    await user.click(within(card).getByRole('button', { name: 'Delete' }));
    const remove = await screen.findByRole('dialog', { name: 'Delete Acme main?' });
    await user.click(within(remove).getByRole('button', { name: 'Delete account' }));
    expect(await screen.findByText('No WhatsApp account connected')).toBeInTheDocument();
  });
});
