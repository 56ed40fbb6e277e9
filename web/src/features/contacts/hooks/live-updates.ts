import { useRealtime } from '@/lib/realtime/context';

// Imports and exports push their progress on the workspace channel (`import.progress`,
// `export.progress`, at most 4 a second). Polling stands in while the realtime connection is
// down, and keeps a slow watch while it is up, in case an event is missed.

/** Polling while realtime is unavailable or still connecting. */
export const fallbackPollMs = 2000;
/** Polling while realtime is connected: a safety net only. */
export const safetyPollMs = 15_000;

/** How often to poll something that is still running, given the realtime connection. */
export function useProgressPollInterval(): number {
  const { state } = useRealtime();
  return state.status === 'connected' ? safetyPollMs : fallbackPollMs;
}

/** The `id` of an event's payload, or null when it has none. */
export function eventId(data: unknown): number | null {
  if (data === null || typeof data !== 'object') return null;
  const id = (data as { id?: unknown }).id;
  return typeof id === 'number' ? id : null;
}
