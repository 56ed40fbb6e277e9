import { describe, expect, it, vi } from 'vitest';
import {
  editorInfo,
  fakeConnect,
  ownerInfo,
  testOwnerRealtimeConfig,
  testRealtimeConfig,
} from '@/testing/fake-echo';
import { RealtimeSession } from './session';

function startSession() {
  const fake = fakeConnect();
  const session = new RealtimeSession(
    testRealtimeConfig,
    fake.connect,
    () => new Date('2026-11-25T05:00:00Z'),
  );
  session.start();
  return { session, fake, echo: fake.latest() };
}

describe('RealtimeSession', () => {
  it('joins the workspace presence channel and subscribes to its private channel', () => {
    const { session, fake, echo } = startSession();
    expect(fake.configs).toEqual([testRealtimeConfig]);
    expect(echo.joined).toEqual(['workspace.1']);
    expect(echo.privateChannels).toEqual(['workspace.1']);
    expect(session.echo).toBe(echo);
    expect(session.getSnapshot().status).toBe('connecting');
  });

  it('follows the connection and the presence channel, telling subscribers', () => {
    const { session, echo } = startSession();
    const listener = vi.fn();
    session.subscribe(listener);

    echo.emitStatus('connected');
    echo.emitHere([ownerInfo]);
    echo.emitJoining(editorInfo);
    echo.emitJoining(editorInfo); // a second tab
    expect(session.getSnapshot()).toMatchObject({
      status: 'connected',
      members: [{ name: 'Olivia Owner' }, { name: 'Ana Editor' }],
    });

    echo.emitLeaving(editorInfo);
    expect(session.getSnapshot().members.map((member) => member.name)).toEqual(['Olivia Owner']);
    expect(listener).toHaveBeenCalled();

    echo.emitStatus('failed');
    expect(session.getSnapshot()).toMatchObject({ status: 'unavailable', members: [] });
  });

  it('hands workspace events to the handlers of that name, with or without the dot', () => {
    const { session, echo } = startSession();
    const plain = vi.fn();
    const dotted = vi.fn();
    const other = vi.fn();
    session.on('test.event', plain);
    const stopDotted = session.on('.test.event', dotted);
    session.on('campaign.updated', other);

    echo.emitEvent('test.event', { message: 'hi' });
    echo.emitEvent('pusher:subscription_succeeded', {});
    expect(plain).toHaveBeenCalledWith({ message: 'hi' }, 'test.event');
    expect(dotted).toHaveBeenCalledTimes(1);
    expect(other).not.toHaveBeenCalled();

    stopDotted();
    echo.emitEvent('test.event', { message: 'again' });
    expect(dotted).toHaveBeenCalledTimes(1);
    expect(plain).toHaveBeenCalledTimes(2);

    expect(session.getSnapshot().events).toEqual([
      {
        id: 2,
        name: 'test.event',
        data: { message: 'again' },
        receivedAt: '2026-11-25T05:00:00.000Z',
      },
      {
        id: 1,
        name: 'test.event',
        data: { message: 'hi' },
        receivedAt: '2026-11-25T05:00:00.000Z',
      },
    ]);
  });

  it('hands frequent workspace events to handlers without changing the state', () => {
    const { session, echo } = startSession();
    const handler = vi.fn();
    const listener = vi.fn();
    session.on('campaign.updated', handler);
    session.subscribe(listener);
    const before = session.getSnapshot();

    echo.emitEvent('campaign.updated', { id: 4, state: 'running' });
    expect(handler).toHaveBeenCalledWith({ id: 4, state: 'running' }, 'campaign.updated');
    expect(session.getSnapshot()).toBe(before);
    expect(listener).not.toHaveBeenCalled();
  });

  it('disconnects on stop and opens a new connection on the next start', () => {
    const { session, fake, echo } = startSession();
    echo.emitStatus('connected');
    echo.emitHere([ownerInfo]);

    session.stop();
    expect(echo).toMatchObject({ leftAll: true, disconnected: true, eventListenerCount: 0 });
    expect(session.echo).toBeNull();
    expect(session.getSnapshot()).toMatchObject({ status: 'unavailable', members: [] });
    session.stop(); // twice is fine

    session.start();
    expect(fake.instances).toHaveLength(2);
    expect(session.getSnapshot().status).toBe('connecting');
    // The old client's late news no longer counts.
    echo.emitStatus('connected');
    expect(session.getSnapshot().status).toBe('connecting');
  });

  it('keeps handlers across a restart', () => {
    const { session, fake } = startSession();
    const handler = vi.fn();
    session.on('test.event', handler);
    session.stop();
    session.start();
    fake.latest().emitEvent('test.event', { message: 'after restart' });
    expect(handler).toHaveBeenCalledWith({ message: 'after restart' }, 'test.event');
  });

  it('is unavailable, not broken, when the client cannot be built', () => {
    const session = new RealtimeSession(testRealtimeConfig, () => {
      throw new Error('WebSocket is not supported');
    });
    session.start();
    expect(session.getSnapshot().status).toBe('unavailable');
    expect(session.echo).toBeNull();
    expect(() => session.stop()).not.toThrow();
  });

  it('subscribes to another private channel only while it has handlers', () => {
    const { session, echo } = startSession();
    expect(echo.privateChannels).toEqual(['workspace.1']);

    const stats = vi.fn();
    const second = vi.fn();
    const stopStats = session.onChannel('private-queues', 'queue.stats', stats);
    const stopSecond = session.onChannel('private-queues', '.queue.stats', second);
    expect(echo.privateChannels).toEqual(['workspace.1', 'queues']);
    expect(echo.listenerCount('queues')).toBe(1);

    echo.emitEvent('queue.stats', { queues: [] }, 'queues');
    echo.emitEvent('pusher:subscription_succeeded', {}, 'queues');
    expect(stats).toHaveBeenCalledWith({ queues: [] }, 'queue.stats');
    expect(second).toHaveBeenCalledTimes(1);

    stopStats();
    expect(echo.leftChannels).toEqual([]);
    stopSecond();
    expect(echo.leftChannels).toEqual(['private-queues']);
    expect(echo.listenerCount('queues')).toBe(0);
    echo.emitEvent('queue.stats', { queues: [] }, 'queues');
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('keeps the channels apart, and queue events out of the recent events', () => {
    const { session, echo } = startSession();
    const onQueues = vi.fn();
    const onWorkspace = vi.fn();
    session.onChannel('private-queues', 'queue.stats', onQueues);
    session.on('queue.stats', onWorkspace);

    echo.emitEvent('queue.stats', { queues: [] }, 'queues');
    expect(onQueues).toHaveBeenCalledTimes(1);
    expect(onWorkspace).not.toHaveBeenCalled();
    expect(session.getSnapshot().events).toEqual([]);

    echo.emitEvent('queue.stats', { from: 'workspace' });
    expect(onWorkspace).toHaveBeenCalledTimes(1);
    expect(onQueues).toHaveBeenCalledTimes(1);
  });

  it('subscribes handlers registered before the start, and again after a restart', () => {
    const fake = fakeConnect();
    const session = new RealtimeSession(testOwnerRealtimeConfig, fake.connect);
    const handler = vi.fn();
    session.onChannel('private-queues', 'queue.stats', handler);
    expect(fake.instances).toHaveLength(0);

    session.start();
    expect(fake.latest().privateChannels).toEqual(['workspace.1', 'queues']);
    session.stop();
    expect(fake.instances[0]).toMatchObject({ leftAll: true, eventListenerCount: 0 });

    session.start();
    const echo = fake.latest();
    expect(echo.privateChannels).toEqual(['workspace.1', 'queues']);
    echo.emitEvent('queue.stats', { n: 2 }, 'queues');
    expect(handler).toHaveBeenCalledWith({ n: 2 }, 'queue.stats');
  });
});
