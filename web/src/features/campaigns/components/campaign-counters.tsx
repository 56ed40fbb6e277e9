import { Paper, SimpleGrid, Text } from '@mantine/core';
import { memo } from 'react';
import { formatNumber } from '@/lib/format';
import type { CampaignCounters as Counters } from '../api/get-campaign';
import { formatPercent, percentOf } from '../lib/progress';

interface Tile {
  key: keyof Counters;
  label: string;
  /** What the percentage is of, and its name. */
  of?: { key: keyof Counters; name: string };
  color?: string;
}

const tiles: Tile[] = [
  { key: 'planned', label: 'Planned' },
  { key: 'queued', label: 'Queued', of: { key: 'planned', name: 'planned' } },
  { key: 'sent', label: 'Sent', of: { key: 'planned', name: 'planned' } },
  { key: 'delivered', label: 'Delivered', of: { key: 'sent', name: 'sent' }, color: 'teal' },
  { key: 'read', label: 'Read', of: { key: 'delivered', name: 'delivered' }, color: 'green' },
  { key: 'replied', label: 'Replied', of: { key: 'delivered', name: 'delivered' } },
  { key: 'clicked', label: 'Clicked', of: { key: 'delivered', name: 'delivered' } },
  { key: 'converted', label: 'Converted', of: { key: 'sent', name: 'sent' }, color: 'grape' },
  { key: 'failed', label: 'Failed', of: { key: 'planned', name: 'planned' }, color: 'red' },
  { key: 'unknown', label: 'Unknown', of: { key: 'planned', name: 'planned' }, color: 'orange' },
];

/** The campaign's counters as big numbers, each with its share of the stage before it. */
export const CampaignCounters = memo(function CampaignCounters({
  counters,
}: {
  counters: Counters;
}) {
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, md: 5 }} spacing="sm" role="list" aria-label="Counters">
      {tiles.map((tile) => {
        const value = counters[tile.key];
        const share = tile.of ? percentOf(value, counters[tile.of.key]) : null;
        return (
          <Paper
            key={tile.key}
            withBorder
            radius="md"
            p="sm"
            role="listitem"
            aria-label={tile.label}
          >
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              {tile.label}
            </Text>
            <Text
              fz={26}
              fw={700}
              c={value > 0 ? tile.color : undefined}
              style={{ fontVariantNumeric: 'tabular-nums' }}
              data-testid={`counter-${tile.key}`}
            >
              {formatNumber(value)}
            </Text>
            {tile.of && (
              <Text size="xs" c="dimmed">
                {formatPercent(share)} of {tile.of.name}
              </Text>
            )}
          </Paper>
        );
      })}
    </SimpleGrid>
  );
});
