import { Button, Group, SimpleGrid, Skeleton, Stack, Text, useMantineTheme } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { EChart } from '@/components/echart';
import type { CampaignSeries, SeriesInterval } from '../api/get-series';
import {
  type ChartColors,
  describeRates,
  describeVolume,
  ratesOption,
  volumeOption,
} from '../lib/charts';

const chartHeight = 200;

const intervalLabels: Record<SeriesInterval, string> = {
  '10s': '10 seconds',
  '1m': 'minute',
  '10m': '10 minutes',
};

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

/**
 * Sent, delivered and read per interval, and the delivery and read rates so far; the options
 * are rebuilt only when the series changes.
 */
export function CampaignCharts({
  series,
  interval,
}: {
  series: UseQueryResult<CampaignSeries>;
  interval: SeriesInterval;
}) {
  const theme = useMantineTheme();
  const colors = useMemo<ChartColors>(
    () => ({
      sent: theme.colors.indigo[5],
      delivered: theme.colors.teal[6],
      read: theme.colors.green[8],
      text: theme.colors.gray[6],
      line: theme.colors.gray[3],
    }),
    [theme],
  );
  const points = series.data?.data;
  const intervalMs = series.data?.interval_ms ?? 10_000;
  const volume = useMemo(
    () => (points ? volumeOption(points, intervalMs, colors) : null),
    [points, intervalMs, colors],
  );
  const rates = useMemo(
    () => (points ? ratesOption(points, intervalMs, colors) : null),
    [points, intervalMs, colors],
  );

  if (series.isError) {
    return (
      <Group gap="sm" role="alert">
        <Text size="sm" c="dimmed">
          The charts could not be loaded.
        </Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => void series.refetch()}
          loading={series.isFetching}
        >
          Load charts again
        </Button>
      </Group>
    );
  }

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <ChartBlock title={`Messages per ${intervalLabels[interval]}`}>
        {points && volume ? (
          <EChart
            option={volume}
            label={describeVolume(points, intervalLabels[interval])}
            height={chartHeight}
          />
        ) : (
          <Skeleton height={chartHeight} aria-label="Loading the message chart" />
        )}
      </ChartBlock>
      <ChartBlock title="Delivery and read rates">
        {points && rates ? (
          <EChart option={rates} label={describeRates(points)} height={chartHeight} />
        ) : (
          <Skeleton height={chartHeight} aria-label="Loading the rates chart" />
        )}
      </ChartBlock>
    </SimpleGrid>
  );
}
