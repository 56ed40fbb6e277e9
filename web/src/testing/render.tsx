import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { theme } from '@/app/theme';

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

interface RenderOptions {
  /** The URL the memory router starts at. */
  route?: string;
  /** Routes beside the one rendering `ui`; defaults to a stand-in login page. */
  routes?: RouteObject[];
  queryClient?: QueryClient;
}

/** Renders `ui` at `route` with the providers the app has: Mantine, TanStack Query, a router. */
export function renderWithProviders(ui: ReactNode, options: RenderOptions = {}) {
  const queryClient = options.queryClient ?? createTestQueryClient();
  const router = createMemoryRouter(
    [
      { path: '/login', element: <p>Login page</p> },
      ...(options.routes ?? []),
      { path: '*', element: ui },
    ],
    { initialEntries: [options.route ?? '/'] },
  );
  const result = renderRoutes(router, queryClient);
  return { ...result, router, queryClient, user: userEvent.setup() };
}

export function renderRoutes(
  router: ReturnType<typeof createMemoryRouter>,
  queryClient: QueryClient,
) {
  return render(
    <MantineProvider theme={theme}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>,
  );
}
