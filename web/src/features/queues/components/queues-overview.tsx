import { Paper, Stack } from '@mantine/core';
import { IconStack2 } from '@tabler/icons-react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { CardSkeleton } from '@/components/skeletons';
import { useQueues } from '../api/get-queues';
import { KindStatsTable } from './kind-stats-table';
import { QueueCard } from './queue-card';

/** Every queue as a card, then the counters per kind of job. */
export function QueuesOverview() {
  const queues = useQueues();

  if (queues.isPending) {
    return (
      <Stack gap="lg">
        <CardSkeleton lines={4} />
        <CardSkeleton lines={4} />
      </Stack>
    );
  }
  if (queues.isError) {
    return (
      <ErrorState
        title="Couldn't load the queues"
        error={queues.error}
        onRetry={() => void queues.refetch()}
        retrying={queues.isFetching}
      />
    );
  }
  if (queues.data.data.length === 0) {
    return (
      <Paper withBorder radius="md" p="xl">
        <EmptyState
          icon={<IconStack2 size={26} aria-hidden />}
          title="No queues on this server"
          description="Queues appear when the server's workers start; check that this server runs the worker role."
        />
      </Paper>
    );
  }
  return (
    <Stack gap="lg">
      {queues.data.data.map((queue) => (
        <QueueCard key={queue.name} queue={queue} />
      ))}
      <KindStatsTable kinds={queues.data.kinds} />
    </Stack>
  );
}
