import { act, fireEvent, screen, within } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/query-keys';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { routes } from './router';

function renderApp(route: string) {
  stubFetch({
    'GET /api/v1/me': () => jsonResponse(makeMe('owner')),
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 1, api_tokens: 0 } }),
    'GET /readyz': () => jsonResponse({ status: 'ready', database: 'sqlite', schema_version: 3 }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(queryKeys.me, makeMe('owner'));
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  renderRoutes(router, queryClient);
  return router;
}

function press(...keys: string[]) {
  for (const key of keys) {
    act(() => {
      fireEvent.keyDown(document.body, { key });
    });
  }
}

describe('keyboard shortcuts', () => {
  it('g s opens settings and g d goes back to the dashboard', async () => {
    const router = renderApp('/');
    expect(await screen.findByRole('heading', { name: /welcome, olivia/i })).toBeInTheDocument();

    press('g', 's');
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/settings/profile');

    press('g', 'd');
    expect(await screen.findByRole('heading', { name: /welcome, olivia/i })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
  });

  it('? lists every registered command with its keys', async () => {
    renderApp('/');
    await screen.findByRole('heading', { name: /welcome/i });

    press('?');

    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Go to dashboard')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then d')).toBeInTheDocument();
    expect(within(dialog).getByText('Go to settings')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then s')).toBeInTheDocument();
    expect(within(dialog).getByText('Show keyboard shortcuts')).toBeInTheDocument();
  });

  it('ignores keys typed into a field', async () => {
    const router = renderApp('/settings/profile');
    const name = await screen.findByLabelText('Name');

    fireEvent.keyDown(name, { key: 'g' });
    fireEvent.keyDown(name, { key: 'd' });

    expect(router.state.location.pathname).toBe('/settings/profile');
  });
});
