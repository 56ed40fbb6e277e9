import { act, fireEvent, screen, within } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { routes } from './router';

function renderApp(route: string, role: Role = 'editor') {
  stubFetch({
    'GET /api/v1/me': () => jsonResponse(makeMe(role)),
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 1, api_tokens: 0 } }),
    'GET /readyz': () => jsonResponse({ status: 'ready', database: 'sqlite', schema_version: 6 }),
    'GET /api/v1/campaigns': () => jsonResponse({ data: [], next_cursor: null }),
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: [] }),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: [] }),
    'GET /api/v1/contacts': () => jsonResponse({ data: [], next_cursor: null }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(queryKeys.me, makeMe(role));
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  renderRoutes(router, queryClient);
  return { router };
}

describe('Campaigns in the app', () => {
  it('is in the navigation, and g m opens it', async () => {
    const { router } = renderApp('/');
    await screen.findByRole('heading', { name: /welcome/i });
    const navigation = screen.getByRole('navigation', { name: 'Main' });
    expect(within(navigation).getByRole('link', { name: /Campaigns/ })).toHaveAttribute(
      'href',
      '/campaigns',
    );
    for (const key of ['g', 'm']) {
      act(() => {
        fireEvent.keyDown(document.body, { key });
      });
    }
    expect(await screen.findByRole('heading', { name: 'Campaigns' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/campaigns');
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
    expect(within(navigation).getByRole('link', { name: /Campaigns/ })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('lists the shortcut in the help', async () => {
    renderApp('/');
    await screen.findByRole('heading', { name: /welcome/i });
    act(() => {
      fireEvent.keyDown(document.body, { key: '?' });
    });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Go to campaigns')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then m')).toBeInTheDocument();
  });

  it('answers an id that is not a number with the not-found page', async () => {
    renderApp('/campaigns/abc');
    expect(
      await screen.findByRole('heading', { name: 'This page does not exist' }),
    ).toBeInTheDocument();
  });
});
