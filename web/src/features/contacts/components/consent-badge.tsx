import { Badge } from '@mantine/core';
import type { ConsentState } from '../api/get-contact';
import { consentColors, consentLabels } from '../utils/consent';

/** "Opted in" in teal, "Opted out" in red, "Unknown" in grey. */
export function ConsentBadge({ state, size = 'sm' }: { state: ConsentState; size?: 'xs' | 'sm' }) {
  return (
    <Badge color={consentColors[state]} variant="light" size={size}>
      {consentLabels[state]}
    </Badge>
  );
}
