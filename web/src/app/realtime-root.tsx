import { Outlet } from 'react-router';
import { useSignedInMe } from '@/lib/auth';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { TestEventNotifications } from './realtime-notifications';

/**
 * The signed-in part of the app, with its realtime connection: opened once Me has loaded, closed
 * when the person logs out (the shell disconnects, then this unmounts). Keyed by user, so a
 * different login never inherits the previous connection.
 */
export function RealtimeRoot() {
  const me = useSignedInMe();
  return (
    <RealtimeProvider key={`${me.workspace.id}:${me.user.id}`}>
      <TestEventNotifications />
      <Outlet />
    </RealtimeProvider>
  );
}
