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
 * Workspace events that arrive several times a second while something runs: they reach their
 * handlers but stay out of the recent events, so that the state (and everything reading it)
 * does not change with each of them.
 */
export const frequentWorkspaceEvents: ReadonlySet<string> = new Set(['campaign.updated']);

/**
 * One signed-in person's realtime connection: it owns the Echo client, keeps the presence list
 * and the recent workspace events, and hands workspace events to whoever registered with `on`.
 * Other private channels the member may join (`private-queues`) are subscribed only while a
 * handler registered with `onChannel` wants them.
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
  /** Handlers of the other private channels: channel name, then event name. */
  private readonly channelHandlers = new Map<string, Map<string, Set<WorkspaceEventHandler>>>();
  /** The other channels the current client is subscribed to, each with how to let it go. */
  private readonly channelSubscriptions = new Map<string, () => void>();
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

  /**
   * Calls `handler` for every `name` event on the private channel `channel` (its full name,
   * `private-queues`) until the returned stop. The first handler of a channel subscribes to it,
   * the last one's stop leaves it; handlers are kept across a restart, like `on`'s. Events of
   * these channels stay out of the recent events: some come every second.
   */
  onChannel(channel: string, name: string, handler: WorkspaceEventHandler): () => void {
    const key = name.startsWith('.') ? name.slice(1) : name;
    let byName = this.channelHandlers.get(channel);
    if (!byName) {
      byName = new Map();
      this.channelHandlers.set(channel, byName);
    }
    let set = byName.get(key);
    if (!set) {
      set = new Set();
      byName.set(key, set);
    }
    set.add(handler);
    this.subscribeChannel(channel);
    return () => {
      set.delete(handler);
      if (set.size === 0 && byName.get(key) === set) byName.delete(key);
      if (byName.size === 0 && this.channelHandlers.get(channel) === byName) {
        this.channelHandlers.delete(channel);
        const leave = this.channelSubscriptions.get(channel);
        this.channelSubscriptions.delete(channel);
        leave?.();
      }
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
      for (const unbind of this.channelSubscriptions.values()) unbind();
      this.channelSubscriptions.clear();
      echo.leaveAllChannels();
      echo.disconnect();
    };
    for (const channel of this.channelHandlers.keys()) this.subscribeChannel(channel);
  }

  /** Leaves the channels and closes the socket; others see this person leave at once. */
  stop(): void {
    const teardown = this.teardown;
    this.teardown = null;
    this.client = null;
    if (teardown) teardown();
    this.dispatch({ type: 'stopped' });
  }

  private subscribeChannel(channel: string): void {
    const echo = this.client;
    if (!echo || this.channelSubscriptions.has(channel)) return;
    const subscription = echo.private(echoChannelName(channel, 'private-')).subscription;
    const onAnyEvent = (name: string, data: unknown) => {
      if (name.startsWith('pusher:') || name.startsWith('pusher_internal:')) return;
      const handlers = this.channelHandlers.get(channel)?.get(name);
      for (const handler of [...(handlers ?? [])]) handler(data, name);
    };
    subscription.bind_global(onAnyEvent);
    this.channelSubscriptions.set(channel, () => {
      subscription.unbind_global(onAnyEvent);
      echo.leaveChannel(channel);
    });
  }

  private receive(name: string, data: unknown): void {
    if (name.startsWith('pusher:') || name.startsWith('pusher_internal:')) return;
    if (!frequentWorkspaceEvents.has(name)) {
      this.dispatch({
        type: 'event',
        event: { id: this.nextEventId++, name, data, receivedAt: this.now().toISOString() },
      });
    }
    for (const handler of [...(this.handlers.get(name) ?? [])]) handler(data, name);
  }

  private dispatch(action: RealtimeAction): void {
    const next = realtimeReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
