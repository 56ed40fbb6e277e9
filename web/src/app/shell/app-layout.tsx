import {
  ActionIcon,
  AppShell,
  Burger,
  Divider,
  Group,
  NavLink,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconActivityHeartbeat,
  IconAddressBook,
  IconHome,
  IconKeyboard,
  IconSettings,
  IconSpeakerphone,
  IconTemplate,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { KirimLogo } from '@/components/kirim-logo';
import { useLogout } from '@/features/auth/api/logout';
import { type Role, useSignedInMe } from '@/lib/auth';
import { canViewOperations } from '@/lib/authorization';
import type { Command } from '@/lib/commands/registry';
import { useRealtime } from '@/lib/realtime/context';
import { useShortcuts } from '@/lib/commands/use-shortcuts';
import {
  type AppCommandContext,
  appCommands,
  goToCampaigns,
  goToContacts,
  goToDashboard,
  goToOperations,
  goToSettings,
  goToTemplates,
  showShortcutHelp,
} from '../commands';
import { OnlineIndicator } from './online-indicator';
import { ShortcutHelpModal } from './shortcut-help-modal';
import { ShortcutKeys } from './shortcut-keys';
import { UserMenu } from './user-menu';

interface NavItem {
  label: string;
  to: string;
  icon: ReactNode;
  command: Command<AppCommandContext>;
  isActive: (pathname: string) => boolean;
  /** Roles that see the entry; everyone when absent. */
  visibleTo?: (role: Role) => boolean;
}

// Only pages that exist; campaigns and the rest join this list as they are built.
const navItems: NavItem[] = [
  {
    label: 'Dashboard',
    to: '/',
    icon: <IconHome size={18} aria-hidden />,
    command: goToDashboard,
    isActive: (pathname) => pathname === '/',
  },
  {
    label: 'Contacts',
    to: '/contacts',
    icon: <IconAddressBook size={18} aria-hidden />,
    command: goToContacts,
    isActive: (pathname) => pathname.startsWith('/contacts'),
  },
  {
    label: 'Campaigns',
    to: '/campaigns',
    icon: <IconSpeakerphone size={18} aria-hidden />,
    command: goToCampaigns,
    isActive: (pathname) => pathname.startsWith('/campaigns'),
  },
  {
    label: 'Templates',
    to: '/templates',
    icon: <IconTemplate size={18} aria-hidden />,
    command: goToTemplates,
    isActive: (pathname) => pathname.startsWith('/templates'),
  },
  {
    label: 'Operations',
    to: '/operations',
    icon: <IconActivityHeartbeat size={18} aria-hidden />,
    command: goToOperations,
    isActive: (pathname) => pathname.startsWith('/operations'),
    visibleTo: canViewOperations,
  },
  {
    label: 'Settings',
    to: '/settings',
    icon: <IconSettings size={18} aria-hidden />,
    command: goToSettings,
    isActive: (pathname) => pathname.startsWith('/settings'),
  },
];

export function AppLayout() {
  const me = useSignedInMe();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [navbarOpened, navbar] = useDisclosure(false);
  const [helpOpened, help] = useDisclosure(false);
  const logout = useLogout();
  const realtime = useRealtime();
  const visibleNavItems = navItems.filter((item) => item.visibleTo?.(me.role) ?? true);

  useShortcuts(appCommands, {
    navigate: (to) => {
      navbar.close();
      void navigate(to);
    },
    openShortcutHelp: help.open,
  });

  const onLogout = () => {
    // Leave the presence channel at once, so that teammates see this person go.
    realtime.disconnect();
    logout.mutate(undefined, {
      onSettled: (_data, error) => {
        void navigate('/login', { replace: true });
        if (error) {
          notifications.show({
            color: 'yellow',
            message:
              'The server did not confirm the logout; this browser has forgotten the session.',
          });
        }
      },
    });
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpened}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navbarOpened ? 'Close navigation' : 'Open navigation'}
            />
            <UnstyledButton component={Link} to="/" aria-label="Kirim home">
              <KirimLogo size="lg" wrap="nowrap" />
            </UnstyledButton>
            <Divider orientation="vertical" visibleFrom="xs" />
            <Text size="sm" c="dimmed" visibleFrom="xs" truncate maw={260} aria-label="Workspace">
              {me.workspace.name}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <OnlineIndicator selfEmail={me.user.email} />
            <Tooltip label={`Keyboard shortcuts (${showShortcutHelp.shortcut.join(' ')})`}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label="Keyboard shortcuts"
                onClick={help.open}
              >
                <IconKeyboard size={20} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <UserMenu
              me={me}
              onProfile={() => void navigate('/settings/profile')}
              onLogout={onLogout}
              loggingOut={logout.isPending}
            />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main">
        {visibleNavItems.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={item.icon}
            rightSection={
              <Text span visibleFrom="sm" c="dimmed">
                <ShortcutKeys keys={item.command.shortcut} size="xs" />
              </Text>
            }
            active={item.isActive(pathname)}
            aria-current={item.isActive(pathname) ? 'page' : undefined}
            onClick={navbar.close}
            variant="light"
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        ))}
      </AppShell.Navbar>

      <AppShell.Main>
        <div style={{ maxWidth: 1120, margin: '0 auto' }}>
          <Outlet />
        </div>
      </AppShell.Main>

      <ShortcutHelpModal opened={helpOpened} onClose={help.close} commands={appCommands.list()} />
    </AppShell>
  );
}
