import {
  Avatar,
  Badge,
  Box,
  Group,
  Popover,
  Stack,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import type { Role } from '@/lib/auth';
import { roleLabels } from '@/lib/authorization';
import { initials } from '@/lib/format';
import { useRealtime } from '@/lib/realtime/context';
import {
  isSelf,
  type PresenceMember,
  realtimeStatusDescriptions,
  type RealtimeStatus,
  sortMembers,
} from '@/lib/realtime/state';

const dotColors: Record<RealtimeStatus, string> = {
  connected: 'var(--mantine-color-teal-6)',
  connecting: 'var(--mantine-color-yellow-6)',
  unavailable: 'var(--mantine-color-gray-5)',
};

/** Avatars shown before "+N". */
const maxAvatars = 3;

function roleLabel(role: string): string {
  return role in roleLabels ? roleLabels[role as Role] : role;
}

function displayName(member: PresenceMember, selfEmail: string): string {
  return isSelf(member, selfEmail) ? `${member.name} (you)` : member.name;
}

function ConnectionDot({ status }: { status: RealtimeStatus }) {
  return (
    <Tooltip label={realtimeStatusDescriptions[status]} multiline maw={260}>
      <Box
        role="status"
        aria-label={`Realtime: ${status}`}
        w={10}
        h={10}
        style={{ borderRadius: '50%', background: dotColors[status], flex: 'none' }}
      />
    </Tooltip>
  );
}

interface OnlineIndicatorViewProps {
  status: RealtimeStatus;
  members: PresenceMember[];
  selfEmail: string;
}

/** The header's "who is online": a connection dot, avatars, and the list in a popover. */
export function OnlineIndicatorView({ status, members, selfEmail }: OnlineIndicatorViewProps) {
  const sorted = sortMembers(members, selfEmail);
  const shown = sorted.slice(0, maxAvatars);
  const hidden = sorted.length - shown.length;

  return (
    <Group gap={8} wrap="nowrap" role="group" aria-label="Online now">
      <ConnectionDot status={status} />
      {sorted.length > 0 && (
        <Popover position="bottom-end" width={320} withArrow shadow="md" trapFocus returnFocus>
          <Popover.Target>
            <UnstyledButton
              aria-label={`Online now: ${sorted.map((m) => displayName(m, selfEmail)).join(', ')}`}
              visibleFrom="xs"
            >
              <Avatar.Group spacing="xs">
                {shown.map((member) => (
                  <Avatar
                    key={member.key}
                    name={member.name}
                    color={isSelf(member, selfEmail) ? 'teal' : 'initials'}
                    radius="xl"
                    size={28}
                  >
                    {initials(member.name)}
                  </Avatar>
                ))}
                {hidden > 0 && (
                  <Avatar radius="xl" size={28}>
                    +{hidden}
                  </Avatar>
                )}
              </Avatar.Group>
            </UnstyledButton>
          </Popover.Target>
          <Popover.Dropdown>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb="xs">
              Online now · {sorted.length}
            </Text>
            <Stack
              component="ul"
              gap={8}
              aria-label="Online members"
              style={{ listStyle: 'none', padding: 0, margin: 0 }}
            >
              {sorted.map((member) => (
                <Group key={member.key} component="li" gap="sm" wrap="nowrap">
                  <Avatar
                    name={member.name}
                    color={isSelf(member, selfEmail) ? 'teal' : 'initials'}
                    radius="xl"
                    size={28}
                    aria-hidden
                  >
                    {initials(member.name)}
                  </Avatar>
                  <Text size="sm" fw={500} truncate style={{ flex: 1, minWidth: 0 }}>
                    {displayName(member, selfEmail)}
                  </Text>
                  {member.role !== '' && (
                    <Badge size="sm" variant="light" color="gray">
                      {roleLabel(member.role)}
                    </Badge>
                  )}
                </Group>
              ))}
            </Stack>
          </Popover.Dropdown>
        </Popover>
      )}
    </Group>
  );
}

export function OnlineIndicator({ selfEmail }: { selfEmail: string }) {
  const { state } = useRealtime();
  return (
    <OnlineIndicatorView status={state.status} members={state.members} selfEmail={selfEmail} />
  );
}
