import { describe, expect, it, vi } from 'vitest';
import { editorInfo, fakeConnect, ownerInfo, testRealtimeConfig } from '@/testing/fake-echo';
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
});
