import { useRealtime } from '@/lib/realtime/context';
import { recentTestEvents } from '@/lib/realtime/test-event';

/** How many received test events the dashboard lists. */
export const shownTestEvents = 5;

/** The test events this page received since login, newest first. */
export function useReceivedTestEvents() {
  const { state } = useRealtime();
  return recentTestEvents(state.events, shownTestEvents);
}
