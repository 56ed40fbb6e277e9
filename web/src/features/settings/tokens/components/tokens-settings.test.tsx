import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { ApiToken } from '../api/get-tokens';
import { TokensSettings } from './tokens-settings';

const secret = 'kirim_3fA9xQ2vLm8pRt6wYz1B';

function makeToken(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: 5,
    name: 'ci',
    prefix: 'kirim_3fA9',
    created_at: '2026-11-25T04:00:00Z',
    last_used_at: null,
    user: { id: 1, email: 'owner@example.com', name: 'Olivia Owner' },
    ...overrides,
  };
}

describe('TokensSettings', () => {
  it('shows a new secret once, with a warning, and forgets it after Done', async () => {
    let tokens: ApiToken[] = [];
    const { requests } = stubFetch({
      'GET /api/v1/tokens': () => jsonResponse({ data: tokens, next_cursor: null }),
      'POST /api/v1/tokens': () => {
        tokens = [makeToken()];
        return jsonResponse({ token: makeToken(), secret }, { status: 201 });
      },
    });
    const { user } = renderWithProviders(<TokensSettings me={makeMe('owner')} />);

    expect(await screen.findByText('No API tokens yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const createDialog = await screen.findByRole('dialog', { name: 'Create an API token' });
    await user.type(within(createDialog).getByLabelText('Token name'), 'ci');
    await user.click(within(createDialog).getByRole('button', { name: 'Create token' }));

    const secretDialog = await screen.findByRole('dialog', { name: 'Copy your new API token' });
    expect(within(secretDialog).getByLabelText('Token secret')).toHaveValue(secret);
    expect(secretDialog).toHaveTextContent('This is the only time you will see this token');
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ name: 'ci' });

    // The dialog cannot be dismissed by accident: Escape leaves it open.
    await user.keyboard('{Escape}');
    expect(screen.getByRole('dialog', { name: 'Copy your new API token' })).toBeInTheDocument();

    await user.click(within(secretDialog).getByRole('button', { name: 'Done' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Copy your new API token' })).toBeNull(),
    );
    expect(await screen.findByRole('cell', { name: 'ci' })).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
    expect(screen.queryByDisplayValue(secret)).toBeNull();
  });

  it('revokes a token after confirmation', async () => {
    let tokens = [makeToken({ last_used_at: '2026-11-25T05:00:00Z' })];
    const { requests } = stubFetch({
      'GET /api/v1/tokens': () => jsonResponse({ data: tokens, next_cursor: null }),
      'DELETE /api/v1/tokens/5': () => {
        tokens = [];
        return jsonResponse(null, { status: 204 });
      },
    });
    const { user } = renderWithProviders(<TokensSettings me={makeMe('admin')} />);

    await user.click(await screen.findByRole('button', { name: 'Revoke ci' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke “ci”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('No API tokens yet')).toBeInTheDocument();
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it.each(['editor', 'viewer'] as const)(
    'tells a %s that only owners and admins manage tokens, without asking the server',
    (role) => {
      const { requests } = stubFetch({});
      renderWithProviders(<TokensSettings me={makeMe(role)} />);

      expect(screen.getByText(/Only owners and admins can manage API tokens/)).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Create token' })).toBeNull();
      expect(requests).toHaveLength(0);
    },
  );
});
