import type { ConnectionStatus } from 'laravel-echo';
import type { ConnectRealtime, RealtimeEcho } from '@/lib/realtime/client';
import type { RealtimeConfig } from '@/lib/realtime/config';

type Listener<T extends unknown[]> = (...args: T) => void;

/**
 * Echo without a socket: records what the app subscribed to and lets a test play the hub's
 * part (connection changes, presence, events). Only the surface RealtimeSession uses exists.
 */
export class FakeEcho {
  status: ConnectionStatus = 'connecting';
  readonly joined: string[] = [];
  readonly privateChannels: string[] = [];
  /** Full names (`private-queues`) of the channels left one by one. */
  readonly leftChannels: string[] = [];
  leftAll = false;
  disconnected = false;

  private readonly statusListeners = new Set<Listener<[ConnectionStatus]>>();
  private readonly hereListeners: Listener<[unknown[]]>[] = [];
  private readonly joiningListeners: Listener<[unknown]>[] = [];
  private readonly leavingListeners: Listener<[unknown]>[] = [];
  /** `bind_global` listeners by channel, as Echo names it (`workspace.1`, `queues`). */
  private readonly channelListeners = new Map<string, Set<Listener<[string, unknown]>>>();

  readonly connector = {
    onConnectionChange: (listener: Listener<[ConnectionStatus]>) => {
      this.statusListeners.add(listener);
      return () => {
        this.statusListeners.delete(listener);
      };
    },
  };

  connectionStatus(): ConnectionStatus {
    return this.status;
  }

  join(name: string) {
    this.joined.push(name);
    const channel = {
      here: (listener: Listener<[unknown[]]>) => {
        this.hereListeners.push(listener);
        return channel;
      },
      joining: (listener: Listener<[unknown]>) => {
        this.joiningListeners.push(listener);
        return channel;
      },
      leaving: (listener: Listener<[unknown]>) => {
        this.leavingListeners.push(listener);
        return channel;
      },
    };
    return channel;
  }

  private(name: string) {
    this.privateChannels.push(name);
    let listeners = this.channelListeners.get(name);
    if (!listeners) {
      listeners = new Set();
      this.channelListeners.set(name, listeners);
    }
    const bound = listeners;
    return {
      subscription: {
        bind_global: (listener: Listener<[string, unknown]>) => bound.add(listener),
        unbind_global: (listener: Listener<[string, unknown]>) => bound.delete(listener),
      },
    };
  }

  leaveChannel(name: string): void {
    this.leftChannels.push(name);
  }

  leaveAllChannels(): void {
    this.leftAll = true;
  }

  disconnect(): void {
    this.disconnected = true;
    this.emitStatus('disconnected');
  }

  // What the hub would do.

  emitStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  emitHere(members: unknown[]): void {
    for (const listener of this.hereListeners) listener(members);
  }

  emitJoining(member: unknown): void {
    for (const listener of this.joiningListeners) listener(member);
  }

  emitLeaving(member: unknown): void {
    for (const listener of this.leavingListeners) listener(member);
  }

  /**
   * An event on `channel` (Echo's name for it); by default the first channel subscribed, which
   * is the workspace's.
   */
  emitEvent(
    name: string,
    data: unknown,
    channel: string | undefined = this.privateChannels[0],
  ): void {
    if (channel === undefined) return;
    for (const listener of [...(this.channelListeners.get(channel) ?? [])]) listener(name, data);
  }

  get eventListenerCount(): number {
    let count = 0;
    for (const listeners of this.channelListeners.values()) count += listeners.size;
    return count;
  }

  /** How many listeners the channel has (Echo's name for it, e.g. `queues`). */
  listenerCount(channel: string): number {
    return this.channelListeners.get(channel)?.size ?? 0;
  }

  asEcho(): RealtimeEcho {
    return this as unknown as RealtimeEcho;
  }
}

/** A `connect` for RealtimeProvider/RealtimeSession that hands out FakeEchos and keeps them. */
export function fakeConnect(): {
  connect: ConnectRealtime;
  instances: FakeEcho[];
  configs: RealtimeConfig[];
  latest: () => FakeEcho;
} {
  const instances: FakeEcho[] = [];
  const configs: RealtimeConfig[] = [];
  return {
    instances,
    configs,
    connect: (config) => {
      const echo = new FakeEcho();
      instances.push(echo);
      configs.push(config);
      return echo.asEcho();
    },
    latest: () => {
      const echo = instances.at(-1);
      if (!echo) throw new Error('No realtime connection was opened');
      return echo;
    },
  };
}

export const testRealtimeConfig: RealtimeConfig = {
  key: 'kirim-web',
  channels: { workspace: 'private-workspace.1', presence: 'presence-workspace.1' },
};

/** What an owner or admin gets: the queue dashboard's channel too. */
export const testOwnerRealtimeConfig: RealtimeConfig = {
  key: 'kirim-web',
  channels: { ...testRealtimeConfig.channels, queues: 'private-queues' },
};

export const ownerInfo = { name: 'Olivia Owner', email: 'owner@example.com', role: 'owner' };
export const editorInfo = { name: 'Ana Editor', email: 'ana@example.com', role: 'editor' };
