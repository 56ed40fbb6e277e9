import type { DeliveryState } from '../api/get-deliveries';

/** How each state of a delivery is shown, in the order the filters list them. */
export const deliveryStateStyles: Record<DeliveryState, { color: string; label: string }> = {
  pending: { color: 'yellow', label: 'Pending' },
  delivered: { color: 'teal', label: 'Delivered' },
  failed: { color: 'red', label: 'Failed' },
};

export const deliveryStates = Object.keys(deliveryStateStyles) as DeliveryState[];

export function deliveryStateLabel(state: DeliveryState): string {
  return deliveryStateStyles[state].label;
}
