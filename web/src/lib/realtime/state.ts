import type { ConnectionStatus } from 'laravel-echo';

// The realtime state as plain data and one reducer, so that the rules (who is online, what the
// connection dot says) are tested without a socket.

/** What the shell shows: the dot's three colours. */
export type RealtimeStatus = 'connecting' | 'connected' | 'unavailable';

/** Someone in `presence-workspace.<id>`; `user_info` of the channel data from /broadcasting/auth. */
export interface PresenceMember {
  /** Identifies the person across tabs: their email, lower-cased. */
  key: string;
  name: string;
  email: string;
  role: string;
}

/** One event received on the workspace channel. */
export interface RealtimeEvent {
  /** Increases with every event of a session; a stable React key. */
  id: number;
  /** The event's name without Echo's leading dot, e.g. `test.event`. */
  name: string;
  data: unknown;
  /** ISO time at which this browser received it. */
  receivedAt: string;
}

export interface RealtimeState {
  status: RealtimeStatus;
  members: PresenceMember[];
  /** The last few events, newest first. */
  events: RealtimeEvent[];
}

export const maxRecentEvents = 20;

export const initialRealtimeState: RealtimeState = {
  status: 'connecting',
  members: [],
  events: [],
};

export type RealtimeAction =
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'here'; members: unknown[] }
  | { type: 'joining'; member: unknown }
  | { type: 'leaving'; member: unknown }
  | { type: 'event'; event: RealtimeEvent }
  | { type: 'started' }
  | { type: 'stopped' };

/**
 * Echo's connection status (pusher-js's state, with `unavailable` folded into `failed`) as the
 * dot shows it. Once the hub was unreachable, the retries pusher-js keeps making show as
 * `unavailable` rather than flickering back to `connecting` every few seconds.
 */
export function nextStatus(previous: RealtimeStatus, connection: ConnectionStatus): RealtimeStatus {
  switch (connection) {
    case 'connected':
      return 'connected';
    case 'connecting':
    case 'reconnecting':
      return previous === 'unavailable' ? 'unavailable' : 'connecting';
    case 'failed':
    case 'disconnected':
      return 'unavailable';
  }
}

/** Reads a presence member's `user_info`; anything without a name is ignored. */
export function parseMember(info: unknown): PresenceMember | null {
  if (info === null || typeof info !== 'object') return null;
  const { name, email, role } = info as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return null;
  const mail = typeof email === 'string' ? email : '';
  return {
    key: mail !== '' ? mail.toLowerCase() : `name:${name}`,
    name,
    email: mail,
    role: typeof role === 'string' ? role : '',
  };
}

/** Adds or refreshes `member`, so that a person with two tabs (or a repeated join) counts once. */
function upsert(members: PresenceMember[], member: PresenceMember): PresenceMember[] {
  const index = members.findIndex((existing) => existing.key === member.key);
  if (index < 0) return [...members, member];
  const next = [...members];
  next[index] = member;
  return next;
}

export function realtimeReducer(state: RealtimeState, action: RealtimeAction): RealtimeState {
  switch (action.type) {
    case 'status': {
      const status = nextStatus(state.status, action.status);
      if (status === state.status) return state;
      // Without a connection the list would be a guess; the next `here` brings the truth.
      return { ...state, status, members: status === 'connected' ? state.members : [] };
    }
    case 'here': {
      let members: PresenceMember[] = [];
      for (const info of action.members) {
        const member = parseMember(info);
        if (member) members = upsert(members, member);
      }
      return { ...state, members };
    }
    case 'joining': {
      const member = parseMember(action.member);
      return member ? { ...state, members: upsert(state.members, member) } : state;
    }
    case 'leaving': {
      const member = parseMember(action.member);
      if (!member) return state;
      const members = state.members.filter((existing) => existing.key !== member.key);
      return members.length === state.members.length ? state : { ...state, members };
    }
    case 'event':
      return { ...state, events: [action.event, ...state.events].slice(0, maxRecentEvents) };
    case 'started':
      // A fresh connection starts from `connecting`, even after an unreachable hub.
      return state.status === 'connecting' && state.members.length === 0
        ? state
        : { ...state, status: 'connecting', members: [] };
    case 'stopped':
      return state.status === 'unavailable' && state.members.length === 0
        ? state
        : { ...state, status: 'unavailable', members: [] };
  }
}

/** Whether `member` is the signed-in person (another tab of theirs is the same member). */
export function isSelf(member: PresenceMember, selfEmail: string): boolean {
  return member.key === selfEmail.toLowerCase();
}

/** The signed-in person first, then everyone else by name. */
export function sortMembers(members: PresenceMember[], selfEmail: string): PresenceMember[] {
  return [...members].sort((a, b) => {
    const selfOrder = Number(isSelf(b, selfEmail)) - Number(isSelf(a, selfEmail));
    return selfOrder !== 0 ? selfOrder : a.name.localeCompare(b.name);
  });
}

/** A sentence for tooltips and the dashboard. */
export const realtimeStatusDescriptions: Record<RealtimeStatus, string> = {
  connected: 'Live updates are on.',
  connecting: 'Connecting to live updates…',
  unavailable: "Live updates can't reach the server right now; everything else still works.",
};
