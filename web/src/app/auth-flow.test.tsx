import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { installLostSessionHandler } from './lost-session';
import { routes } from './router';

describe('signing in', () => {
  it('sends a signed-out visitor to the login page and back to the page asked for', async () => {
    let signedIn = false;
    stubFetch({
      'GET /api/v1/me': () =>
        signedIn ? jsonResponse(makeMe()) : errorResponse(401, 'unauthenticated', 'Log in.'),
      'POST /api/v1/auth/login': () => {
        signedIn = true;
        return jsonResponse(makeMe());
      },
    });
    const router = createMemoryRouter(routes, { initialEntries: ['/settings/workspace'] });
    installLostSessionHandler(router);
    renderRoutes(router, createTestQueryClient());
    const user = userEvent.setup();

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?next=%2Fsettings%2Fworkspace');

    await user.type(screen.getByLabelText('Email'), 'owner@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery{Enter}');

    expect(await screen.findByLabelText('Workspace name')).toHaveValue('Acme');
    await waitFor(() => expect(router.state.location.pathname).toBe('/settings/workspace'));
  });

  it('returns to the login page when a call finds the session gone', async () => {
    let sessionAlive = true;
    stubFetch({
      'GET /api/v1/me': () =>
        sessionAlive ? jsonResponse(makeMe()) : errorResponse(401, 'unauthenticated', 'Log in.'),
      'GET /api/v1/users': () => errorResponse(401, 'unauthenticated', 'Log in.'),
    });
    const router = createMemoryRouter(routes, { initialEntries: ['/settings/profile'] });
    installLostSessionHandler(router);
    renderRoutes(router, createTestQueryClient());
    const user = userEvent.setup();

    await user.click(await screen.findByRole('tab', { name: 'Users' }));
    sessionAlive = false;

    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?next=%2Fsettings%2Fusers');
  });

  it('shows a viewer the workspace name read-only', async () => {
    stubFetch({ 'GET /api/v1/me': () => jsonResponse(makeMe('viewer')) });
    const router = createMemoryRouter(routes, { initialEntries: ['/settings/workspace'] });
    renderRoutes(router, createTestQueryClient());

    expect(
      await screen.findByText('Only owners and admins can rename the workspace.'),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Workspace name')).toBeNull();
  });
});
