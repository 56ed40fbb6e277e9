import { act, fireEvent, screen, within } from '@testing-library/react';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { routes } from './router';

function renderApp(route: string, role: Role) {
  const { requests } = stubFetch({
    'GET /api/v1/me': () => jsonResponse(makeMe(role)),
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 1, api_tokens: 0 } }),
    'GET /readyz': () => jsonResponse({ status: 'ready', database: 'sqlite', schema_version: 4 }),
    'GET /api/v1/queues': () => jsonResponse({ data: [], kinds: [], channel: 'private-queues' }),
  });
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(queryKeys.me, makeMe(role));
  const router = createMemoryRouter(routes, { initialEntries: [route] });
  renderRoutes(router, queryClient);
  return { router, requests };
}

describe('Operations in the app', () => {
  it.each(['owner', 'admin'] as const)(
    'is in the navigation of an %s, and g o opens it',
    async (role) => {
      const { router } = renderApp('/', role);
      await screen.findByRole('heading', { name: /welcome/i });
      const navigation = screen.getByRole('navigation', { name: 'Main' });
      expect(within(navigation).getByRole('link', { name: /Operations/ })).toHaveAttribute(
        'href',
        '/operations',
      );

      for (const key of ['g', 'o']) {
        act(() => {
          fireEvent.keyDown(document.body, { key });
        });
      }
      expect(await screen.findByRole('heading', { name: 'Operations' })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe('/operations');
      expect(await screen.findByText('No queues on this server')).toBeInTheDocument();
      expect(within(navigation).getByRole('link', { name: /Operations/ })).toHaveAttribute(
        'aria-current',
        'page',
      );
    },
  );

  it.each(['editor', 'viewer'] as const)(
    'is not offered to an %s, and a direct visit shows the restricted notice',
    async (role) => {
      const { requests } = renderApp('/operations', role);
      expect(
        await screen.findByText(
          'Only owners and admins can see the queues, jobs, schedules and rate limits.',
        ),
      ).toBeInTheDocument();
      const navigation = screen.getByRole('navigation', { name: 'Main' });
      expect(within(navigation).queryByRole('link', { name: /Operations/ })).toBeNull();
      expect(within(navigation).getByRole('link', { name: /Contacts/ })).toBeInTheDocument();
      expect(requests.some((request) => request.path.startsWith('/api/v1/queues'))).toBe(false);
    },
  );

  it('lists the shortcut in the help', async () => {
    renderApp('/', 'owner');
    await screen.findByRole('heading', { name: /welcome/i });
    act(() => {
      fireEvent.keyDown(document.body, { key: '?' });
    });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Go to operations (queues and jobs)')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('g then o')).toBeInTheDocument();
  });
});
