import { Badge, Text } from '@mantine/core';
import type { DeliveryState } from '../api/get-deliveries';
import { deliveryStateStyles } from '../lib/delivery-states';

export function DeliveryStateBadge({ state }: { state: DeliveryState }) {
  const style = deliveryStateStyles[state];
  return (
    <Badge color={style.color} variant="light">
      {style.label}
    </Badge>
  );
}

/** The HTTP status a receiver answered: green for 2xx, red otherwise, dimmed when none. */
export function HttpStatus({
  status,
  attempted,
}: {
  status: number | null;
  /** Whether anything was tried: no status then means no answer. */
  attempted: boolean;
}) {
  if (status === null) {
    return (
      <Text size="sm" c="dimmed">
        {attempted ? 'No answer' : '—'}
      </Text>
    );
  }
  return (
    <Badge color={status >= 200 && status < 300 ? 'teal' : 'red'} variant="outline" ff="monospace">
      {status}
    </Badge>
  );
}
