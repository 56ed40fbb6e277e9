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
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: [] }),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: [] }),
    'GET /api/v1/webhooks/events': () => jsonResponse({ data: [], next_cursor: null }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(queryKeys.me, makeMe('owner'));
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  renderRoutes(router, queryClient);
  return router;
}

describe('WhatsApp pages in the app', () => {
  it('g t opens the templates, which the navigation marks as the current page', async () => {
    const router = renderApp('/');
    await screen.findByRole('heading', { name: /welcome/i });

    for (const key of ['g', 't']) {
      act(() => {
        fireEvent.keyDown(document.body, { key });
      });
    }

    expect(await screen.findByRole('heading', { name: 'Templates' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/templates');
    const navigation = screen.getByRole('navigation', { name: 'Main' });
    expect(within(navigation).getByRole('link', { name: /Templates/ })).toHaveAttribute(
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
    expect(within(dialog).getByText('Go to templates')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then t')).toBeInTheDocument();
  });

  it('has WhatsApp and Webhook log tabs in the settings', async () => {
    const router = renderApp('/settings/whatsapp');
    expect(await screen.findByText('No WhatsApp account connected')).toBeInTheDocument();
    const tabs = screen.getByRole('tablist', { name: 'Settings sections' });
    expect(within(tabs).getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute(
      'aria-selected',
      'true',
    );

    fireEvent.click(within(tabs).getByRole('tab', { name: 'Webhook log' }));
    expect(await screen.findByText('No webhooks received yet')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/settings/webhooks');
  });
});
