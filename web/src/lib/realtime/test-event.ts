import type { RealtimeEvent } from './state';

// `test.event` on the workspace channel (POST /api/v1/realtime/test-event): the shell shows a
// notification for it, the dashboard lists the last few.

export const testEventName = 'test.event';

export interface TestEvent {
  message: string;
  sent_by: string;
  sent_at: string;
}

export function parseTestEvent(data: unknown): TestEvent | null {
  if (data === null || typeof data !== 'object') return null;
  const { message, sent_by: sentBy, sent_at: sentAt } = data as Record<string, unknown>;
  if (typeof message !== 'string' || typeof sentBy !== 'string') return null;
  return { message, sent_by: sentBy, sent_at: typeof sentAt === 'string' ? sentAt : '' };
}

/** "Test event from Olivia Owner: hello". */
export function describeTestEvent(event: TestEvent): string {
  return `Test event from ${event.sent_by}: ${event.message}`;
}

/** The test events among `events` (newest first), at most `limit`. */
export function recentTestEvents(
  events: RealtimeEvent[],
  limit: number,
): { id: number; receivedAt: string; event: TestEvent }[] {
  const found: { id: number; receivedAt: string; event: TestEvent }[] = [];
  for (const received of events) {
    if (found.length >= limit) break;
    if (received.name !== testEventName) continue;
    const event = parseTestEvent(received.data);
    if (event) found.push({ id: received.id, receivedAt: received.receivedAt, event });
  }
  return found;
}
