import { Button, Group, SimpleGrid, Skeleton, Stack, Text, useMantineTheme } from '@mantine/core';
import { type ReactNode, useMemo } from 'react';
import { EChart } from '@/components/echart';
import { useQueueHistory } from '../api/get-queue-history';
import {
  type ChartColors,
  describeThroughput,
  describeWait,
  throughputOption,
  waitOption,
} from '../lib/charts';

const chartHeight = 150;

function ChartBlock({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      {children}
    </Stack>
  );
}

/** Throughput and wait p95 of one queue over the last minutes, seeded and then live. */
export function QueueCharts({ name }: { name: string }) {
  const theme = useMantineTheme();
  const history = useQueueHistory(name);
  const colors = useMemo<ChartColors>(
    () => ({
      succeeded: theme.colors.teal[6],
      failed: theme.colors.red[6],
      wait: theme.colors.indigo[6],
      text: theme.colors.gray[6],
      line: theme.colors.gray[3],
    }),
    [theme],
  );
  const samples = history.data?.samples;
  const throughput = useMemo(
    () => (samples ? throughputOption(samples, colors) : null),
    [samples, colors],
  );
  const wait = useMemo(() => (samples ? waitOption(samples, colors) : null), [samples, colors]);

  if (history.isError) {
    return (
      <Group gap="sm" role="alert">
        <Text size="sm" c="dimmed">
          The charts of {name} could not be loaded.
        </Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => void history.refetch()}
          loading={history.isFetching}
        >
          Load charts again
        </Button>
      </Group>
    );
  }

  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
      <ChartBlock title="Throughput">
        {samples && throughput ? (
          <EChart
            option={throughput}
            label={describeThroughput(name, samples)}
            height={chartHeight}
          />
        ) : (
          <Skeleton height={chartHeight} aria-label={`Loading the throughput of ${name}`} />
        )}
      </ChartBlock>
      <ChartBlock title="Wait p95">
        {samples && wait ? (
          <EChart option={wait} label={describeWait(name, samples)} height={chartHeight} />
        ) : (
          <Skeleton height={chartHeight} aria-label={`Loading the wait times of ${name}`} />
        )}
      </ChartBlock>
    </SimpleGrid>
  );
}
