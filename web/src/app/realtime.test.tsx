import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/auth';
import type * as client from '@/lib/realtime/client';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { editorInfo, FakeEcho, ownerInfo, testRealtimeConfig } from '@/testing/fake-echo';
import { makeMe } from '@/testing/fixtures';
import { createTestQueryClient, renderRoutes } from '@/testing/render';
import { routes } from './router';

const echoes = vi.hoisted(() => [] as unknown[]);

// The app opens its connection with createEcho; here it gets a FakeEcho instead of a socket.
vi.mock('@/lib/realtime/client', async (importOriginal) => {
  const original = await importOriginal<typeof client>();
  const { FakeEcho: Fake } = await import('@/testing/fake-echo');
  return {
    ...original,
    createEcho: () => {
      const echo = new Fake();
      echoes.push(echo);
      return echo.asEcho();
    },
  };
});

function latestEcho(): FakeEcho {
  const echo = echoes.at(-1);
  if (!(echo instanceof FakeEcho)) throw new Error('The app opened no realtime connection');
  return echo;
}

function renderApp(role: Role = 'owner') {
  const { requests } = stubFetch({
    'GET /api/v1/me': () => jsonResponse(makeMe(role)),
    'GET /api/v1/workspace': () =>
      jsonResponse({ ...makeMe().workspace, stats: { users: 2, api_tokens: 0 } }),
    'GET /readyz': () => jsonResponse({ status: 'ready', database: 'sqlite', schema_version: 1 }),
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    'POST /api/v1/realtime/test-event': () =>
      jsonResponse({ channel: 'private-workspace.1', event: 'test.event' }),
    'POST /api/v1/auth/logout': () => jsonResponse(null, { status: 204 }),
  });
  const router = createMemoryRouter(routes, { initialEntries: ['/'] });
  renderRoutes(router, createTestQueryClient());
  return { router, requests, user: userEvent.setup() };
}

async function connectedApp(role: Role = 'owner') {
  const app = renderApp(role);
  await screen.findByRole('heading', { name: /^Welcome/ });
  await waitFor(() => expect(echoes.length).toBeGreaterThan(0));
  const echo = latestEcho();
  act(() => {
    echo.emitStatus('connected');
    echo.emitHere([ownerInfo, editorInfo]);
  });
  return { ...app, echo };
}

describe('realtime in the app', () => {
  it('shows who is online in the header, the signed-in person marked', async () => {
    const { echo, user } = await connectedApp();
    expect(echo.joined).toEqual(['workspace.1']);

    expect(screen.getByRole('status', { name: 'Realtime: connected' })).toBeInTheDocument();
    const online = screen.getByRole('button', {
      name: 'Online now: Olivia Owner (you), Ana Editor',
    });
    await user.click(online);
    expect(online).toHaveAttribute('aria-expanded', 'true');
    // In jsdom every element has no size, so floating-ui calls the target detached and Mantine
    // hides the dropdown with display: none; a real browser shows it (see e2e/realtime.spec.ts).
    const list = await screen.findByRole('list', { name: 'Online members', hidden: true });
    const items = within(list).getAllByRole('listitem', { hidden: true });
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(/Olivia Owner \(you\)\s*Owner$/);
    expect(items[1]).toHaveTextContent(/Ana Editor\s*Editor$/);

    act(() => echo.emitLeaving(editorInfo));
    expect(
      screen.getByRole('button', { name: 'Online now: Olivia Owner (you)' }),
    ).toBeInTheDocument();

    act(() => echo.emitStatus('failed'));
    expect(screen.getByRole('status', { name: 'Realtime: unavailable' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Online now/ })).toBeNull();
    // The rest of the page is unaffected.
    expect(screen.getByRole('heading', { name: /^Welcome/ })).toBeInTheDocument();
  });

  it('notifies about a test event and lists it on the dashboard', async () => {
    const { echo } = await connectedApp('viewer');

    act(() =>
      echo.emitEvent('test.event', {
        message: 'Deploy done',
        sent_by: 'Ana Editor',
        sent_at: '2026-11-25T05:00:00Z',
      }),
    );

    expect(await screen.findByText('Test event from Ana Editor: Deploy done')).toBeInTheDocument();
    const received = screen.getByRole('list', { name: 'Received events' });
    expect(received).toHaveTextContent('Ana Editor: Deploy done');
    // A viewer receives events but cannot send them.
    const card = screen.getByRole('region', { name: 'Realtime' });
    expect(within(card).queryByRole('button', { name: 'Send test event' })).toBeNull();
    expect(within(card).queryByLabelText('Test message')).toBeNull();
  });

  it('lets an owner send a test event', async () => {
    const { requests, user } = await connectedApp('owner');
    const card = screen.getByRole('region', { name: 'Realtime' });

    await user.type(within(card).getByLabelText('Test message'), '  hello team  ');
    await user.click(within(card).getByRole('button', { name: 'Send test event' }));

    await waitFor(() =>
      expect(
        requests.find((request) => request.path === '/api/v1/realtime/test-event'),
      ).toMatchObject({ method: 'POST', body: { message: 'hello team' } }),
    );
    await waitFor(() => expect(within(card).getByLabelText('Test message')).toHaveValue(''));
  });

  it('closes the connection on logout', async () => {
    const { echo, router, user } = await connectedApp();

    await user.click(screen.getByRole('button', { name: 'Account menu of Olivia Owner' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Log out' }));

    expect(echo.disconnected).toBe(true);
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });
});
