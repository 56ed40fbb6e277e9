import { type ReactNode, useEffect, useMemo, useSyncExternalStore } from 'react';
import { type ConnectRealtime, createEcho } from './client';
import { useRealtimeConfig } from './config';
import { offlineRealtimeState, RealtimeContext, type RealtimeContextValue } from './context';
import { RealtimeSession } from './session';
import { initialRealtimeState, type RealtimeState } from './state';

const subscribeToNothing = () => () => undefined;
const connectingSnapshot = (): RealtimeState => initialRealtimeState;
const offlineSnapshot = (): RealtimeState => offlineRealtimeState;

interface RealtimeProviderProps {
  children: ReactNode;
  /** Builds the Echo client; tests pass a fake one. */
  connect?: ConnectRealtime;
}

/**
 * Opens the signed-in person's realtime connection for as long as it is mounted (the app
 * mounts it under the auth guard, keyed by user) and offers it to the tree below. When the
 * config or the hub cannot be reached the state says `unavailable` and nothing else changes.
 */
export function RealtimeProvider({ children, connect = createEcho }: RealtimeProviderProps) {
  const config = useRealtimeConfig();
  const session = useMemo(
    () => (config.data ? new RealtimeSession(config.data, connect) : null),
    [config.data, connect],
  );

  useEffect(() => {
    if (!session) return;
    session.start();
    return () => session.stop();
  }, [session]);

  const state = useSyncExternalStore(
    session?.subscribe ?? subscribeToNothing,
    session?.getSnapshot ?? (config.isError ? offlineSnapshot : connectingSnapshot),
  );

  const value = useMemo<RealtimeContextValue>(
    () => ({
      session,
      state,
      echo: session?.echo ?? null,
      channels: session?.config.channels ?? null,
      disconnect: () => session?.stop(),
    }),
    [session, state],
  );

  return <RealtimeContext value={value}>{children}</RealtimeContext>;
}
