import { Badge, type BadgeProps } from '@mantine/core';
import type { CampaignState } from '../api/get-campaign';
import { stateColors, stateLabels } from '../lib/states';

/** A campaign's state as a coloured badge; running ones pulse a dot. */
export function CampaignStateBadge({
  state,
  size = 'sm',
}: {
  state: CampaignState;
  size?: BadgeProps['size'];
}) {
  return (
    <Badge
      color={stateColors[state]}
      variant={state === 'running' ? 'filled' : 'light'}
      size={size}
      data-state={state}
      style={{ flexShrink: 0, overflow: 'visible' }}
    >
      {stateLabels[state]}
    </Badge>
  );
}
