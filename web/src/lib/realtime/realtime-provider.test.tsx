import { act, render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { editorInfo, fakeConnect, ownerInfo, testRealtimeConfig } from '@/testing/fake-echo';
import { createTestQueryClient } from '@/testing/render';
import type { ConnectRealtime } from './client';
import { useRealtime, useWorkspaceEvent } from './context';
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
});
