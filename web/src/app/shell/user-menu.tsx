import { Avatar, Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconLogout, IconUser } from '@tabler/icons-react';
import type { Me } from '@/lib/auth';
import { roleLabels } from '@/lib/authorization';
import { initials } from '@/lib/format';

interface UserMenuProps {
  me: Me;
  onProfile: () => void;
  onLogout: () => void;
  loggingOut: boolean;
}

export function UserMenu({ me, onProfile, onLogout, loggingOut }: UserMenuProps) {
  return (
    <Menu position="bottom-end" width={240} withArrow shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu of ${me.user.name}`} py={4} px={6}>
          <Group gap={8} wrap="nowrap">
            <Avatar radius="xl" size={32} color="teal">
              {initials(me.user.name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate>
              {me.user.name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Group px="sm" py={8} gap="xs" justify="space-between" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} truncate>
              {me.user.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {me.user.email}
            </Text>
          </div>
          <Badge size="sm" variant="light">
            {roleLabels[me.role]}
          </Badge>
        </Group>
        <Menu.Divider />
        <Menu.Item leftSection={<IconUser size={16} aria-hidden />} onClick={onProfile}>
          Profile
        </Menu.Item>
        <Menu.Item
          color="red"
          leftSection={<IconLogout size={16} aria-hidden />}
          onClick={onLogout}
          disabled={loggingOut}
        >
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
