import { Stack, Tabs, Text, Title } from '@mantine/core';
import {
  IconBrandWhatsapp,
  IconBuilding,
  IconForms,
  IconKey,
  IconSend,
  IconTags,
  IconUser,
  IconUsers,
  IconWebhook,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';

interface SettingsTab {
  value: string;
  label: string;
  icon: ReactNode;
}

const settingsTabs: SettingsTab[] = [
  { value: 'profile', label: 'Profile', icon: <IconUser size={16} aria-hidden /> },
  { value: 'workspace', label: 'Workspace', icon: <IconBuilding size={16} aria-hidden /> },
  { value: 'users', label: 'Users', icon: <IconUsers size={16} aria-hidden /> },
  { value: 'tokens', label: 'API tokens', icon: <IconKey size={16} aria-hidden /> },
  { value: 'fields', label: 'Contact fields', icon: <IconForms size={16} aria-hidden /> },
  { value: 'tags', label: 'Tags', icon: <IconTags size={16} aria-hidden /> },
  { value: 'whatsapp', label: 'WhatsApp', icon: <IconBrandWhatsapp size={16} aria-hidden /> },
  { value: 'webhooks', label: 'Webhook log', icon: <IconWebhook size={16} aria-hidden /> },
  {
    value: 'outgoing-webhooks',
    label: 'Outgoing webhooks',
    icon: <IconSend size={16} aria-hidden />,
  },
];

export function SettingsLayout() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const active = pathname.split('/')[2] ?? 'profile';

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          Settings
        </Title>
        <Text c="dimmed" size="sm">
          Your profile, the workspace, who can use it, and API access.
        </Text>
      </div>
      {/* Each tab is a route, so a tab can be linked to and survives a reload. */}
      <Tabs
        value={active}
        onChange={(value) => {
          if (value) void navigate(`/settings/${value}`);
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Settings sections">
          {settingsTabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value} leftSection={tab.icon}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {settingsTabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value} pt="lg">
            {tab.value === active && <Outlet />}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
