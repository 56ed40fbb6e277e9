import { describe, expect, it } from 'vitest';
import type { RealtimeEvent } from './state';
import { describeTestEvent, parseTestEvent, recentTestEvents } from './test-event';

const data = { message: 'hello', sent_by: 'Olivia Owner', sent_at: '2026-11-25T05:00:00Z' };

function received(id: number, name: string, payload: unknown): RealtimeEvent {
  return { id, name, data: payload, receivedAt: `2026-11-25T05:00:0${id}Z` };
}

describe('test events', () => {
  it('reads the event and words the notification', () => {
    const event = parseTestEvent(data);
    expect(event).toEqual(data);
    expect(describeTestEvent(event!)).toBe('Test event from Olivia Owner: hello');
  });

  it('ignores data that is not a test event', () => {
    expect(parseTestEvent(null)).toBeNull();
    expect(parseTestEvent('hello')).toBeNull();
    expect(parseTestEvent({ message: 'no sender' })).toBeNull();
    expect(parseTestEvent({ message: 'x', sent_by: 'Ana' })).toEqual({
      message: 'x',
      sent_by: 'Ana',
      sent_at: '',
    });
  });

  it('picks the newest test events among all workspace events', () => {
    const events = [
      received(4, 'test.event', { ...data, message: 'four' }),
      received(3, 'campaign.updated', { id: 7 }),
      received(2, 'test.event', 'garbled'),
      received(1, 'test.event', { ...data, message: 'one' }),
    ];
    expect(recentTestEvents(events, 5).map(({ event }) => event.message)).toEqual(['four', 'one']);
    expect(recentTestEvents(events, 1).map(({ id }) => id)).toEqual([4]);
  });
});
