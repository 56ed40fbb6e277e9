import { useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '@/lib/query-keys';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import type { RateLimit } from '../api/get-rate-limits';

/** Sent on the workspace channel when a sender number is paused or slowed down. */
export const numberLimitedEvent = 'number.limited';

export type NumberLimitedKind = 'paused_auth' | 'paused_number' | 'rate_reduced';

export interface NumberLimited {
  pnid: string;
  event: NumberLimitedKind | (string & {});
  detail: string;
}

export function parseNumberLimited(data: unknown): NumberLimited | null {
  if (data === null || typeof data !== 'object') return null;
  const { pnid, event, detail } = data as Record<string, unknown>;
  if (typeof pnid !== 'string' || typeof event !== 'string') return null;
  return { pnid, event, detail: typeof detail === 'string' ? detail : '' };
}

const headlines: Record<NumberLimitedKind, string> = {
  paused_auth: 'paused: Meta refused the access token',
  paused_number: 'paused by Meta',
  rate_reduced: 'slowed down: Meta asked to send more slowly',
};

/** "+1 555-000-0001 paused by Meta" (the pnid when the number is not in view). */
export function describeNumberLimited(event: NumberLimited, number: string | null): string {
  const headline = headlines[event.event as NumberLimitedKind] ?? event.event;
  return `${number ?? `Number ${event.pnid}`} ${headline}`;
}

/**
 * Calls `notify` for every `number.limited` event, with the number as the rate limits table
 * shows it, and refreshes that table.
 */
export function useNumberLimited(notify: (event: NumberLimited, message: string) => void): void {
  const queryClient = useQueryClient();
  useWorkspaceEvent(numberLimitedEvent, (data) => {
    const event = parseNumberLimited(data);
    if (!event) return;
    const limits = queryClient.getQueryData<RateLimit[]>(queryKeys.rateLimits);
    const number = limits?.find((limit) => limit.pnid === event.pnid)?.phone_number ?? null;
    notify(event, describeNumberLimited(event, number));
    void queryClient.invalidateQueries({ queryKey: queryKeys.rateLimits });
  });
}
