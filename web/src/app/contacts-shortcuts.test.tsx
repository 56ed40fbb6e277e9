import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '@/lib/query-keys';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { routes } from './router';

function renderApp(route: string) {
  stubFetch({
    'GET /api/v1/me': () => jsonResponse(makeMe('editor')),
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 1, api_tokens: 0 } }),
    'GET /readyz': () => jsonResponse({ status: 'ready', database: 'sqlite', schema_version: 3 }),
    'GET /api/v1/contacts': () => jsonResponse({ data: [], next_cursor: null, total: 0 }),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: [] }),
    'GET /api/v1/tags': () => jsonResponse({ data: [] }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(queryKeys.me, makeMe('editor'));
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

describe('contacts in the app shell', () => {
  it('g c opens the contacts, which the navigation marks as the current page', async () => {
    const router = renderApp('/');
    await screen.findByRole('heading', { name: /welcome/i });

    press('g', 'c');
    expect(await screen.findByRole('heading', { name: 'Contacts' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/contacts');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: /Contacts/ })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('/ focuses the contacts search without typing into it', async () => {
    renderApp('/contacts');
    const search = await screen.findByRole('textbox', { name: 'Search contacts' });
    expect(search).not.toHaveFocus();

    press('/');
    await waitFor(() => expect(search).toHaveFocus());
    expect(search).toHaveValue('');
  });

  it('lists both shortcuts in the help', async () => {
    renderApp('/contacts');
    await screen.findByRole('heading', { name: 'Contacts' });
    press('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Go to contacts')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then c')).toBeInTheDocument();
    expect(within(dialog).getByText('Search this page (contacts)')).toBeInTheDocument();
  });
});
