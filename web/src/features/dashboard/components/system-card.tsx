import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { CardSkeleton } from '@/components/skeletons';
import { ErrorState } from '@/components/error-state';
import { SectionCard } from '@/components/section-card';
import { useReadiness } from '../api/get-readiness';

const databaseNames: Record<string, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export function SystemCard() {
  const readiness = useReadiness();

  if (readiness.isPending) return <CardSkeleton lines={3} />;
  if (readiness.isError) {
    return (
      <ErrorState
        title="Couldn't check the server"
        error={readiness.error}
        onRetry={() => void readiness.refetch()}
        retrying={readiness.isFetching}
      />
    );
  }

  const { ready, database, schemaVersion } = readiness.data;
  return (
    <SectionCard
      title="System"
      description="What the server reports at /readyz."
      actions={
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconRefresh size={14} aria-hidden />}
          onClick={() => void readiness.refetch()}
          loading={readiness.isFetching}
        >
          Check again
        </Button>
      }
    >
      <Table variant="vertical" layout="fixed" withRowBorders={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={140}>Status</Table.Th>
            <Table.Td>
              <Badge color={ready ? 'teal' : 'red'} variant="light">
                {ready ? 'Ready' : 'Not ready'}
              </Badge>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Database</Table.Th>
            <Table.Td>{database ? (databaseNames[database] ?? database) : 'Unknown'}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Schema version</Table.Th>
            <Table.Td>{schemaVersion ?? 'Unknown'}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {!ready && (
        <Group>
          <Text size="sm" c="red">
            The database is not answering or migrations are pending. Check the server's log.
          </Text>
        </Group>
      )}
    </SectionCard>
  );
}
