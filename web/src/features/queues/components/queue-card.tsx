import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatCount, formatNumber } from '@/lib/format';
import type { QueueStats } from '../api/get-queues';
import { formatMs, formatRate } from '../lib/format';
import { PauseQueueButton } from './pause-queue-button';
import { QueueCharts } from './queue-charts';
import { Stat } from './stat';

function failedJobsLink(queue: string): string {
  return `/operations?${new URLSearchParams({ tab: 'jobs', state: 'failed', queue }).toString()}`;
}

/** One queue: its counts, workers, rates and wait, pause or resume, and its charts. */
export function QueueCard({ queue }: { queue: QueueStats }) {
  const { workers, totals } = queue;
  return (
    <Paper withBorder radius="md" p="lg" component="article" aria-label={`Queue ${queue.name}`}>
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm">
            <Title order={3} size="h4">
              {queue.name}
            </Title>
            {queue.paused ? (
              <Badge color="orange" variant="light">
                Paused
              </Badge>
            ) : (
              <Badge color="teal" variant="dot">
                Running
              </Badge>
            )}
          </Group>
          <PauseQueueButton queue={queue} />
        </Group>

        <SimpleGrid cols={{ base: 2, xs: 4, md: 8 }} spacing="md" verticalSpacing="sm">
          <Stat label="Ready" value={formatNumber(queue.ready)} />
          <Stat label="Delayed" value={formatNumber(queue.delayed)} />
          <Stat label="Running" value={formatNumber(queue.running)} />
          <Stat
            label="Failed"
            value={
              queue.failed > 0 ? (
                <Anchor
                  component={Link}
                  to={failedJobsLink(queue.name)}
                  c="red"
                  fw={650}
                  inherit
                  aria-label={`Show the ${formatCount(queue.failed, 'failed job')} of ${queue.name}`}
                >
                  {formatNumber(queue.failed)}
                </Anchor>
              ) : (
                '0'
              )
            }
          />
          <Stat
            label="Workers"
            value={`${workers.current} of ${workers.min}–${workers.max}`}
            hint={`${workers.busy} busy`}
          />
          <Stat
            label="Succeeded/s"
            value={formatRate(queue.per_second.succeeded)}
            hint={`${formatRate(queue.per_second.succeeded_60s)} over 1 min`}
          />
          <Stat
            label="Failed/s"
            value={formatRate(queue.per_second.failed)}
            hint={`${formatRate(queue.per_second.failed_60s)} over 1 min`}
          />
          <Stat
            label="Wait p95"
            value={formatMs(queue.wait_ms.p95)}
            hint={`run p95 ${formatMs(queue.run_ms.p95)}`}
          />
        </SimpleGrid>

        <Text size="xs" c="dimmed" role="group" aria-label={`Totals of ${queue.name}`}>
          Since the server started: {formatNumber(totals.enqueued)} enqueued,{' '}
          {formatNumber(totals.succeeded)} succeeded, {formatNumber(totals.failed)} failed,{' '}
          {formatNumber(totals.retried)} retried
        </Text>

        <QueueCharts name={queue.name} />
      </Stack>
    </Paper>
  );
}
