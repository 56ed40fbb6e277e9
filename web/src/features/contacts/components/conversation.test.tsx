import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import type { Message } from '../api/get-contact-messages';
import { makeContact, makeMessage } from '../test-fixtures';
import { Conversation } from './conversation';

describe('Conversation', { timeout: 30_000 }, () => {
  it('refetches when the server says this contact’s conversation changed, not for others', async () => {
    let messages: Message[] = [makeMessage({ id: 1, text: 'Halo' })];
    const { requests } = stubFetch({
      'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
      'GET /api/v1/contacts/12/messages': () => jsonResponse({ data: messages, next_cursor: null }),
    });
    const realtime = fakeConnect();
    renderWithProviders(
      <RealtimeProvider connect={realtime.connect}>
        <Conversation contact={makeContact()} />
      </RealtimeProvider>,
    );
    expect(await screen.findByText('Halo')).toBeInTheDocument();
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const fetches = () =>
      requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/contacts/12/messages')
        .length;
    const before = fetches();

    act(() =>
      realtime.latest().emitEvent('inbox.updated', { statuses: 1, messages: 0, contacts: [99] }),
    );
    messages = [makeMessage({ id: 2, text: 'Apa kabar?' }), ...messages];
    act(() =>
      realtime.latest().emitEvent('inbox.updated', { statuses: 0, messages: 1, contacts: [12] }),
    );
    expect(await screen.findByText('Apa kabar?')).toBeInTheDocument();
    expect(fetches()).toBe(before + 1);
  });
});
