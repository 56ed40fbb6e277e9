import { describe, expect, it } from 'vitest';
import {
  initialRealtimeState,
  isSelf,
  maxRecentEvents,
  nextStatus,
  parseMember,
  type RealtimeAction,
  type RealtimeState,
  realtimeReducer,
  sortMembers,
} from './state';

const olivia = { name: 'Olivia Owner', email: 'owner@example.com', role: 'owner' };
const ana = { name: 'Ana', email: 'ana@example.com', role: 'editor' };

function run(actions: RealtimeAction[], from: RealtimeState = initialRealtimeState) {
  return actions.reduce(realtimeReducer, from);
}

const connected = run([{ type: 'status', status: 'connected' }]);

describe('connection status', () => {
  it.each([
    ['connecting', 'connected', 'connected'],
    ['connecting', 'connecting', 'connecting'],
    ['connected', 'reconnecting', 'connecting'],
    ['connected', 'failed', 'unavailable'],
    ['connected', 'disconnected', 'unavailable'],
    // Retries after an unreachable hub do not flicker back to "connecting".
    ['unavailable', 'connecting', 'unavailable'],
    ['unavailable', 'reconnecting', 'unavailable'],
    ['unavailable', 'connected', 'connected'],
  ] as const)('%s + Echo %s shows %s', (previous, connection, expected) => {
    expect(nextStatus(previous, connection)).toBe(expected);
  });

  it('forgets who is online when the connection drops', () => {
    const state = run(
      [
        { type: 'here', members: [olivia, ana] },
        { type: 'status', status: 'failed' },
      ],
      connected,
    );
    expect(state.status).toBe('unavailable');
    expect(state.members).toEqual([]);
  });

  it('starts a fresh connection as connecting, even after a failure', () => {
    const failed = run([{ type: 'status', status: 'failed' }]);
    expect(run([{ type: 'started' }], failed).status).toBe('connecting');
    expect(run([{ type: 'stopped' }], connected)).toMatchObject({
      status: 'unavailable',
      members: [],
    });
  });

  it('returns the same state when nothing changed', () => {
    expect(realtimeReducer(connected, { type: 'status', status: 'connected' })).toBe(connected);
  });
});

describe('presence members', () => {
  it('takes the list from here, counting a person once', () => {
    const state = run(
      [{ type: 'here', members: [olivia, ana, { ...olivia }, 'junk', {}] }],
      connected,
    );
    expect(state.members.map((member) => member.name)).toEqual(['Olivia Owner', 'Ana']);
  });

  it('adds people who join, once however many tabs they open', () => {
    const state = run(
      [
        { type: 'here', members: [olivia] },
        { type: 'joining', member: ana },
        { type: 'joining', member: { ...ana, email: 'ANA@example.com' } },
      ],
      connected,
    );
    expect(state.members.map((member) => member.email)).toEqual([
      'owner@example.com',
      'ANA@example.com',
    ]);
  });

  it('refreshes the details of someone who joins again (a new name)', () => {
    const state = run(
      [
        { type: 'here', members: [olivia, ana] },
        { type: 'joining', member: { ...ana, name: 'Ana B.' } },
      ],
      connected,
    );
    expect(state.members.map((member) => member.name)).toEqual(['Olivia Owner', 'Ana B.']);
  });

  it('removes people who leave and ignores unknown ones', () => {
    const joined = run([{ type: 'here', members: [olivia, ana] }], connected);
    const left = realtimeReducer(joined, { type: 'leaving', member: ana });
    expect(left.members.map((member) => member.name)).toEqual(['Olivia Owner']);
    expect(realtimeReducer(left, { type: 'leaving', member: ana })).toBe(left);
    expect(realtimeReducer(left, { type: 'leaving', member: null })).toBe(left);
  });

  it('reads user_info and falls back to the name when there is no email', () => {
    expect(parseMember(ana)).toEqual({ key: 'ana@example.com', ...ana });
    expect(parseMember({ name: 'Nameless' })).toEqual({
      key: 'name:Nameless',
      name: 'Nameless',
      email: '',
      role: '',
    });
    expect(parseMember({ email: 'x@example.com' })).toBeNull();
    expect(parseMember(42)).toBeNull();
  });

  it('puts the signed-in person first, then the others by name', () => {
    const members = run(
      [{ type: 'here', members: [ana, { name: 'Zed', email: 'zed@example.com' }, olivia] }],
      connected,
    ).members;
    const sorted = sortMembers(members, 'Owner@Example.com');
    expect(sorted.map((member) => member.name)).toEqual(['Olivia Owner', 'Ana', 'Zed']);
    expect(isSelf(sorted[0]!, 'OWNER@example.com')).toBe(true);
    expect(isSelf(sorted[1]!, 'owner@example.com')).toBe(false);
  });
});

describe('recent events', () => {
  it('keeps the newest first and only the last few', () => {
    let state = connected;
    for (let id = 1; id <= maxRecentEvents + 3; id++) {
      state = realtimeReducer(state, {
        type: 'event',
        event: { id, name: 'test.event', data: { id }, receivedAt: '2026-11-25T05:00:00Z' },
      });
    }
    expect(state.events).toHaveLength(maxRecentEvents);
    expect(state.events[0]?.id).toBe(maxRecentEvents + 3);
    expect(state.events.at(-1)?.id).toBe(4);
  });
});
