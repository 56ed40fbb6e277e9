import { Group, Progress, Stack, Text } from '@mantine/core';
import { memo } from 'react';
import { formatNumber } from '@/lib/format';
import type { CampaignCounters } from '../api/get-campaign';
import { formatPercent, funnelStages, percentOf } from '../lib/progress';

/** Sent → delivered → read → replied / clicked → converted, each as a share of sent. */
export const ConversionFunnel = memo(function ConversionFunnel({
  counters,
}: {
  counters: CampaignCounters;
}) {
  return (
    <Stack gap="xs" role="list" aria-label="Conversion funnel">
      {funnelStages(counters).map((stage) => {
        const share = percentOf(stage.value, counters.sent);
        return (
          <div key={stage.label} role="listitem" aria-label={stage.label}>
            <Group justify="space-between" gap="xs">
              <Text size="sm">{stage.label}</Text>
              <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatNumber(stage.value)}{' '}
                <Text span size="xs" c="dimmed">
                  ({formatPercent(share)})
                </Text>
              </Text>
            </Group>
            <Progress value={share ?? 0} color={stage.color} size="lg" radius="sm" aria-hidden />
          </div>
        );
      })}
    </Stack>
  );
});
