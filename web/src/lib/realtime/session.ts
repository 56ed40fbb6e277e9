import { type ConnectRealtime, echoChannelName, type RealtimeEcho } from './client';
import type { RealtimeConfig } from './config';
import {
  initialRealtimeState,
  type RealtimeAction,
  type RealtimeState,
  realtimeReducer,
} from './state';

export type WorkspaceEventHandler = (data: unknown, name: string) => void;

/**
 * One signed-in person's realtime connection: it owns the Echo client, keeps the presence list
 * and the recent workspace events, and hands workspace events to whoever registered with `on`.
 * React reads it through `useSyncExternalStore`; `start` and `stop` follow the provider's
 * effect, so that a remount (StrictMode, a new login) opens a fresh connection.
 */
export class RealtimeSession {
  readonly config: RealtimeConfig;
  private readonly connect: ConnectRealtime;
  private readonly now: () => Date;
  private state: RealtimeState = initialRealtimeState;
  private readonly listeners = new Set<() => void>();
  private readonly handlers = new Map<string, Set<WorkspaceEventHandler>>();
  private client: RealtimeEcho | null = null;
  private teardown: (() => void) | null = null;
  private nextEventId = 1;

  constructor(
    config: RealtimeConfig,
    connect: ConnectRealtime,
    now: () => Date = () => new Date(),
  ) {
    this.config = config;
    this.connect = connect;
    this.now = now;
  }

  /** The Echo client while connected (or trying to); null before `start` and after `stop`. */
  get echo(): RealtimeEcho | null {
    return this.client;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RealtimeState => this.state;

  /** Calls `handler` for every `name` event on the workspace channel until the returned stop. */
  on(name: string, handler: WorkspaceEventHandler): () => void {
    // Echo spells Kirim's own event names with a leading dot (`.test.event`); both work here.
    const key = name.startsWith('.') ? name.slice(1) : name;
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(key);
    };
  }

  start(): void {
    if (this.client) return;
    this.dispatch({ type: 'started' });
    let echo: RealtimeEcho;
    try {
      echo = this.connect(this.config);
    } catch {
      // No socket support, a bad key: the page works on without live updates.
      this.dispatch({ type: 'status', status: 'failed' });
      return;
    }
    this.client = echo;

    const stopStatus = echo.connector.onConnectionChange((status) =>
      this.dispatch({ type: 'status', status }),
    );
    const initial = echo.connectionStatus();
    if (initial !== 'disconnected') this.dispatch({ type: 'status', status: initial });

    echo
      .join(echoChannelName(this.config.channels.presence, 'presence-'))
      .here((members: unknown[]) => this.dispatch({ type: 'here', members }))
      .joining((member: unknown) => this.dispatch({ type: 'joining', member }))
      .leaving((member: unknown) => this.dispatch({ type: 'leaving', member }));

    // Every event of the workspace channel, whatever its name: pusher-js's global binding gives
    // the name as sent (`test.event`), with none of Echo's namespace rewriting.
    const workspace = echo.private(echoChannelName(this.config.channels.workspace, 'private-'));
    const onAnyEvent = (name: string, data: unknown) => this.receive(name, data);
    workspace.subscription.bind_global(onAnyEvent);

    this.teardown = () => {
      stopStatus();
      workspace.subscription.unbind_global(onAnyEvent);
      echo.leaveAllChannels();
      echo.disconnect();
    };
  }

  /** Leaves the channels and closes the socket; others see this person leave at once. */
  stop(): void {
    const teardown = this.teardown;
    this.teardown = null;
    this.client = null;
    if (teardown) teardown();
    this.dispatch({ type: 'stopped' });
  }

  private receive(name: string, data: unknown): void {
    if (name.startsWith('pusher:') || name.startsWith('pusher_internal:')) return;
    this.dispatch({
      type: 'event',
      event: { id: this.nextEventId++, name, data, receivedAt: this.now().toISOString() },
    });
    for (const handler of [...(this.handlers.get(name) ?? [])]) handler(data, name);
  }

  private dispatch(action: RealtimeAction): void {
    const next = realtimeReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
