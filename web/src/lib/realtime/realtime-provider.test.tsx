import { act, render, screen, waitFor } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import {
  editorInfo,
  fakeConnect,
  ownerInfo,
  testOwnerRealtimeConfig,
  testRealtimeConfig,
} from '@/testing/fake-echo';
import { createTestQueryClient } from '@/testing/render';
import type { ConnectRealtime } from './client';
import { useChannelEvent, useRealtime, useWorkspaceEvent } from './context';
import { RealtimeProvider } from './realtime-provider';

function Probe() {
  const { state, channels, echo } = useRealtime();
  const [last, setLast] = useState('none');
  useWorkspaceEvent('test.event', (data) => setLast(JSON.stringify(data)));
  return (
    <dl>
      <dt>status</dt>
      <dd data-testid="status">{state.status}</dd>
      <dt>members</dt>
      <dd data-testid="members">{state.members.map((member) => member.name).join(', ')}</dd>
      <dt>channel</dt>
      <dd data-testid="channel">{channels?.workspace ?? 'none'}</dd>
      <dt>echo</dt>
      <dd data-testid="echo">{echo ? 'yes' : 'no'}</dd>
      <dt>last</dt>
      <dd data-testid="last">{last}</dd>
    </dl>
  );
}

function QueuesProbe() {
  const { channels } = useRealtime();
  const [count, setCount] = useState(0);
  useChannelEvent(channels?.queues, 'queue.stats', () => setCount((seen) => seen + 1));
  return <p data-testid="stats">{count}</p>;
}

function renderProvider(connect: ConnectRealtime) {
  const result = render(
    <QueryClientProvider client={createTestQueryClient()}>
      <RealtimeProvider connect={connect}>
        <Probe />
      </RealtimeProvider>
    </QueryClientProvider>,
  );
  return result;
}

describe('RealtimeProvider', () => {
  it('connects with the config from the server and shares state and events', async () => {
    const { requests } = stubFetch({
      'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    });
    const fake = fakeConnect();
    renderProvider(fake.connect);

    expect(screen.getByTestId('status')).toHaveTextContent('connecting');
    expect(await screen.findByText('private-workspace.1')).toBeInTheDocument();
    expect(requests.map((request) => request.path)).toEqual(['/api/v1/realtime']);
    const echo = fake.latest();

    act(() => {
      echo.emitStatus('connected');
      echo.emitHere([ownerInfo]);
      echo.emitJoining(editorInfo);
    });
    expect(screen.getByTestId('status')).toHaveTextContent('connected');
    expect(screen.getByTestId('echo')).toHaveTextContent('yes');
    expect(screen.getByTestId('members')).toHaveTextContent('Olivia Owner, Ana Editor');

    act(() => echo.emitEvent('test.event', { message: 'hi' }));
    expect(screen.getByTestId('last')).toHaveTextContent('{"message":"hi"}');

    act(() => echo.emitLeaving(editorInfo));
    expect(screen.getByTestId('members')).toHaveTextContent(/^Olivia Owner$/);
  });

  it('closes the connection when it unmounts', async () => {
    stubFetch({ 'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig) });
    const fake = fakeConnect();
    const { unmount } = renderProvider(fake.connect);
    await screen.findByText('private-workspace.1');

    unmount();
    expect(fake.latest()).toMatchObject({ leftAll: true, disconnected: true });
  });

  it('says unavailable and keeps rendering when the server has no realtime config', async () => {
    stubFetch({
      'GET /api/v1/realtime': () => errorResponse(404, 'not_found', 'No such endpoint.'),
    });
    const fake = fakeConnect();
    renderProvider(fake.connect);

    expect(await screen.findByText('unavailable')).toBeInTheDocument();
    expect(screen.getByTestId('channel')).toHaveTextContent('none');
    expect(fake.instances).toHaveLength(0);
  });

  it('says unavailable when the hub cannot be reached', async () => {
    stubFetch({ 'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig) });
    const fake = fakeConnect();
    renderProvider(fake.connect);
    await screen.findByText('private-workspace.1');

    act(() => fake.latest().emitStatus('failed'));
    expect(screen.getByTestId('status')).toHaveTextContent('unavailable');
    act(() => fake.latest().emitStatus('connecting'));
    expect(screen.getByTestId('status')).toHaveTextContent('unavailable');
    act(() => fake.latest().emitStatus('connected'));
    expect(screen.getByTestId('status')).toHaveTextContent('connected');
  });

  it('subscribes to the queues channel while a component listens, and only if the role has it', async () => {
    stubFetch({ 'GET /api/v1/realtime': () => jsonResponse(testOwnerRealtimeConfig) });
    const fake = fakeConnect();
    const queryClient = createTestQueryClient();
    const { rerender } = render(
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider connect={fake.connect}>
          <QueuesProbe />
        </RealtimeProvider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(fake.instances).toHaveLength(1));
    const echo = fake.latest();
    expect(echo.privateChannels).toEqual(['workspace.1', 'queues']);

    act(() => echo.emitEvent('queue.stats', { queues: [] }, 'queues'));
    act(() => echo.emitEvent('queue.stats', { queues: [] }, 'queues'));
    expect(screen.getByTestId('stats')).toHaveTextContent('2');

    rerender(
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider connect={fake.connect}>
          <p>elsewhere</p>
        </RealtimeProvider>
      </QueryClientProvider>,
    );
    expect(echo.leftChannels).toEqual(['private-queues']);
    expect(echo).toMatchObject({ leftAll: false, disconnected: false });
    expect(fake.instances).toHaveLength(1);
  });

  it('does not subscribe to the queues channel when the config has none', async () => {
    stubFetch({ 'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig) });
    const fake = fakeConnect();
    render(
      <QueryClientProvider client={createTestQueryClient()}>
        <RealtimeProvider connect={fake.connect}>
          <QueuesProbe />
        </RealtimeProvider>
      </QueryClientProvider>,
    );
    await waitFor(() => expect(fake.instances).toHaveLength(1));
    expect(fake.latest().privateChannels).toEqual(['workspace.1']);
  });
});
