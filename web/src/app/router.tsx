import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { RealtimeRoot } from './realtime-root';
import { RequireAuth } from './require-auth';
import { DashboardRoute } from './routes/dashboard';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { SettingsLayout } from './routes/settings/layout';
import { ProfileRoute, TokensRoute, UsersRoute, WorkspaceRoute } from './routes/settings/sections';
import { AppLayout } from './shell/app-layout';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginRoute /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <RealtimeRoot />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <DashboardRoute /> },
              {
                path: 'settings',
                element: <SettingsLayout />,
                children: [
                  { index: true, element: <Navigate to="profile" replace /> },
                  { path: 'profile', element: <ProfileRoute /> },
                  { path: 'workspace', element: <WorkspaceRoute /> },
                  { path: 'users', element: <UsersRoute /> },
                  { path: 'tokens', element: <TokensRoute /> },
                ],
              },
              { path: '*', element: <NotFoundRoute /> },
            ],
          },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
