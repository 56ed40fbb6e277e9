import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { memo } from 'react';
import { formatNumber } from '@/lib/format';
import type { CampaignCounters } from '../api/get-campaign';
import { formatPercent, percentOf, progressSegments } from '../lib/progress';

interface CampaignProgressProps {
  counters: CampaignCounters;
  /** Names the bar for assistive technology, e.g. the campaign's name. */
  label: string;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  /** The "880 sent, 16 failed of 1,200" line under the bar. */
  withText?: boolean;
}

/**
 * Sent and failed of planned, as one bar in segments: read, delivered, sent, failed, and the
 * rest (unknown, skipped, cancelled). Re-renders only when the counters change.
 */
export const CampaignProgress = memo(function CampaignProgress({
  counters,
  label,
  size = 'md',
  withText = true,
}: CampaignProgressProps) {
  const planned = counters.planned;
  const done = counters.sent + counters.failed;
  const percent = percentOf(done, planned);
  const text =
    planned === 0
      ? 'Nothing planned yet'
      : `${formatNumber(counters.sent)} sent, ${formatNumber(counters.failed)} failed of ${formatNumber(planned)}`;
  return (
    <div>
      <Progress.Root
        size={size}
        role="progressbar"
        aria-label={`Progress of ${label}`}
        aria-valuemin={0}
        aria-valuemax={Math.max(planned, 1)}
        aria-valuenow={done}
        aria-valuetext={`${text} (${formatPercent(percent)})`}
      >
        {progressSegments(counters).map((segment) => {
          const share = percentOf(segment.value, planned) ?? 0;
          if (share <= 0) return null;
          return (
            <Tooltip
              key={segment.key}
              label={`${segment.label}: ${formatNumber(segment.value)} (${formatPercent(share)})`}
              withinPortal
            >
              <Progress.Section value={share} color={segment.color} withAria={false} />
            </Tooltip>
          );
        })}
      </Progress.Root>
      {withText && (
        <Group justify="space-between" gap="xs" mt={4} wrap="nowrap">
          <Text size="xs" c="dimmed" truncate>
            {text}
          </Text>
          <Text size="xs" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatPercent(percent)}
          </Text>
        </Group>
      )}
    </div>
  );
});
