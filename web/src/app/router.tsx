import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { RealtimeRoot } from './realtime-root';
import { RequireAuth } from './require-auth';
import {
  CampaignRoute,
  CampaignsRoute,
  EditCampaignRoute,
  NewCampaignRoute,
} from './routes/campaigns';
import { ContactRoute, ContactsRoute, ImportRoute } from './routes/contacts';
import { DashboardRoute } from './routes/dashboard';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { OperationsRoute } from './routes/operations';
import { FieldsRoute, TagsRoute } from './routes/settings/contacts';
import { SettingsLayout } from './routes/settings/layout';
import { OutgoingWebhooksRoute } from './routes/settings/outgoing-webhooks';
import { ProfileRoute, TokensRoute, UsersRoute, WorkspaceRoute } from './routes/settings/sections';
import { WebhookLogRoute, WhatsAppRoute } from './routes/settings/whatsapp';
import { NewTemplateRoute, TemplatesRoute } from './routes/templates';
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
              { path: 'contacts', element: <ContactsRoute /> },
              // One route for both, so the upload survives the move to the import's own URL.
              { path: 'contacts/import/:importId?', element: <ImportRoute /> },
              { path: 'contacts/:contactId', element: <ContactRoute /> },
              { path: 'campaigns', element: <CampaignsRoute /> },
              { path: 'campaigns/new', element: <NewCampaignRoute /> },
              { path: 'campaigns/:campaignId', element: <CampaignRoute /> },
              { path: 'campaigns/:campaignId/edit', element: <EditCampaignRoute /> },
              {
                path: 'settings',
                element: <SettingsLayout />,
                children: [
                  { index: true, element: <Navigate to="profile" replace /> },
                  { path: 'profile', element: <ProfileRoute /> },
                  { path: 'workspace', element: <WorkspaceRoute /> },
                  { path: 'users', element: <UsersRoute /> },
                  { path: 'tokens', element: <TokensRoute /> },
                  { path: 'fields', element: <FieldsRoute /> },
                  { path: 'tags', element: <TagsRoute /> },
                  { path: 'whatsapp', element: <WhatsAppRoute /> },
                  { path: 'webhooks', element: <WebhookLogRoute /> },
                  { path: 'outgoing-webhooks', element: <OutgoingWebhooksRoute /> },
                ],
              },
              { path: 'templates', element: <TemplatesRoute /> },
              { path: 'templates/new', element: <NewTemplateRoute /> },
              { path: 'operations', element: <OperationsRoute /> },
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
