import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconKey, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ErrorState } from '@/components/error-state';
import { type Me } from '@/lib/auth';
import { roleLabels } from '@/lib/authorization';
import { useWorkspace } from '../api/get-workspace';

function Stat({ icon, label, value }: { icon: ReactNode; label: string; value: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" role="group" aria-label={label}>
      <Group gap="md" wrap="nowrap">
        <ThemeIcon size={40} radius="md" variant="light">
          {icon}
        </ThemeIcon>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text size="xl" fw={700} component="div">
            {value}
          </Text>
        </div>
      </Group>
    </Paper>
  );
}

export function WelcomeCard({ me }: { me: Me }) {
  const workspace = useWorkspace();
  const firstName = me.user.name.split(' ')[0] ?? me.user.name;

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Welcome">
      <Stack gap="lg">
        <div>
          <Title order={2}>Welcome, {firstName}</Title>
          <Text c="dimmed" mt={4}>
            You are in the <strong>{workspace.data?.name ?? me.workspace.name}</strong> workspace as{' '}
            {roleLabels[me.role].toLowerCase()}.
          </Text>
        </div>
        {workspace.isError ? (
          <ErrorState
            title="Couldn't load the workspace counts"
            error={workspace.error}
            onRetry={() => void workspace.refetch()}
            retrying={workspace.isFetching}
          />
        ) : (
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md">
            <Stat
              icon={<IconUsers size={22} aria-hidden />}
              label="Users"
              value={workspace.data?.stats.users ?? <Skeleton height={24} width={40} mt={4} />}
            />
            <Stat
              icon={<IconKey size={22} aria-hidden />}
              label="API tokens"
              value={workspace.data?.stats.api_tokens ?? <Skeleton height={24} width={40} mt={4} />}
            />
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
