import { createContext, useContext, useEffect, useEffectEvent } from 'react';
import type { RealtimeEcho } from './client';
import type { RealtimeConfig } from './config';
import type { RealtimeSession } from './session';
import { initialRealtimeState, type RealtimeState } from './state';

export interface RealtimeContextValue {
  /** Null until GET /api/v1/realtime answered (and for good when it failed). */
  session: RealtimeSession | null;
  state: RealtimeState;
  /** The Echo client, for channels beyond the workspace's two; null while there is none. */
  echo: RealtimeEcho | null;
  channels: RealtimeConfig['channels'] | null;
  /** Closes the connection now (logout), before the provider unmounts. */
  disconnect: () => void;
}

export const offlineRealtimeState: RealtimeState = {
  ...initialRealtimeState,
  status: 'unavailable',
};

// Outside a provider (a component rendered on its own, in a test) realtime is simply off.
export const RealtimeContext = createContext<RealtimeContextValue>({
  session: null,
  state: offlineRealtimeState,
  echo: null,
  channels: null,
  disconnect: () => undefined,
});

export function useRealtime(): RealtimeContextValue {
  return useContext(RealtimeContext);
}

/**
 * Calls `handler` with the data of every `name` event on the workspace's private channel
 * (`test.event`, `campaign.updated`, …), for as long as the calling component is mounted.
 * The handler may change between renders without resubscribing.
 */
export function useWorkspaceEvent(name: string, handler: (data: unknown) => void): void {
  const { session } = useRealtime();
  const onEvent = useEffectEvent((data: unknown) => handler(data));
  useEffect(() => session?.on(name, (data) => onEvent(data)), [session, name]);
}

/**
 * Calls `handler` with the data of every `name` event on another private channel of the
 * member's config (`channels.queues`) while the calling component is mounted; the channel is
 * subscribed only while someone listens. A null `channel` (a role without it) does nothing.
 */
export function useChannelEvent(
  channel: string | null | undefined,
  name: string,
  handler: (data: unknown) => void,
): void {
  const { session } = useRealtime();
  const onEvent = useEffectEvent((data: unknown) => handler(data));
  useEffect(
    () =>
      session && channel ? session.onChannel(channel, name, (data) => onEvent(data)) : undefined,
    [session, channel, name],
  );
}
