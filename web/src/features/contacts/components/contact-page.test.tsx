import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Contact } from '../api/get-contact';
import type { Message } from '../api/get-contact-messages';
import { fields, makeContact, makeMessage, tags } from '../test-fixtures';
import { ContactPage } from './contact-page';

function renderContact({
  role = 'editor',
  contact = makeContact(),
  messages = [] as Message[],
  extra = {},
}: {
  role?: Role;
  contact?: Contact;
  messages?: Message[];
  extra?: Parameters<typeof stubFetch>[0];
} = {}) {
  let current = contact;
  const stub = stubFetch({
    'GET /api/v1/contacts/12': () => jsonResponse(current),
    'PATCH /api/v1/contacts/12': (request: RecordedRequest) => {
      const body = request.body as Partial<Contact>;
      current = {
        ...current,
        ...(body.tags ? { tags: body.tags } : {}),
        ...(body.fields ? { fields: { ...current.fields, ...body.fields } } : {}),
        ...(body.consent
          ? { consent: { state: body.consent, source: 'web', changed_at: '2026-11-26T04:00:00Z' } }
          : {}),
      } as Contact;
      return jsonResponse(current);
    },
    'GET /api/v1/contacts/12/consent': () =>
      jsonResponse({
        data: [{ state: 'opted_in', source: 'import', created_at: '2026-11-25T04:00:00Z' }],
      }),
    'GET /api/v1/contacts/12/messages': () => jsonResponse({ data: messages, next_cursor: null }),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: fields }),
    'GET /api/v1/tags': () => jsonResponse({ data: tags }),
    ...extra,
  });
  const rendered = renderWithProviders(<ContactPage me={makeMe(role)} contactId={12} />, {
    route: '/contacts/12',
    routes: [{ path: '/contacts', element: <p>Contacts list</p> }],
  });
  return { ...rendered, requests: stub.requests };
}

function patches(requests: RecordedRequest[]) {
  return requests.filter((request) => request.method === 'PATCH').map((request) => request.body);
}

describe('ContactPage', { timeout: 30_000 }, () => {
  it('shows who the contact is, with the number formatted and their local time', async () => {
    renderContact();
    expect(await screen.findByRole('heading', { name: 'Ana' })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Phone' })).toHaveTextContent('+62 812 3456 7890');
    expect(screen.getByRole('group', { name: 'Country' })).toHaveTextContent('Indonesia');
    expect(screen.getByRole('group', { name: 'Local time' })).toHaveTextContent(
      /\d{1,2}[:.]\d{2}.*Asia\/Jakarta/,
    );
    expect(screen.getByRole('group', { name: 'Language' })).toHaveTextContent('Indonesian');
    expect(await screen.findByRole('list', { name: 'Consent history' })).toHaveTextContent(
      /Opted in.*through an import/,
    );
  });

  it('edits a text field in place and shows a refused value at the field', async () => {
    let refuse = true;
    const { requests, user } = renderContact({
      extra: {
        'PATCH /api/v1/contacts/12': () =>
          refuse
            ? errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
                'fields.age': 'must be at least 0',
              })
            : jsonResponse(makeContact({ fields: { ...makeContact().fields, age: 32 } })),
      },
    });

    await user.click(await screen.findByRole('button', { name: 'Edit Age' }));
    const input = screen.getByRole('textbox', { name: 'Age' });
    expect(input).toHaveValue('31');
    await user.clear(input);
    await user.type(input, '-4{Enter}');
    await waitFor(() => expect(input).toHaveAccessibleDescription('must be at least 0'));
    expect(patches(requests)).toEqual([{ fields: { age: -4 } }]);

    refuse = false;
    await user.clear(input);
    await user.type(input, '32');
    await user.click(screen.getByRole('button', { name: 'Save Age' }));
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Age' })).toBeNull());
    expect(screen.getByRole('button', { name: 'Edit Age' }).parentElement).toHaveTextContent('32');
    expect(patches(requests).at(-1)).toEqual({ fields: { age: 32 } });
  });

  it('cancels an edit with Escape without saving', async () => {
    const { requests, user } = renderContact();
    await user.click(await screen.findByRole('button', { name: 'Edit City' }));
    await user.type(screen.getByRole('textbox', { name: 'City' }), ' Selatan{Escape}');
    expect(screen.queryByRole('textbox', { name: 'City' })).toBeNull();
    expect(screen.getByText('Jakarta')).toBeInTheDocument();
    expect(patches(requests)).toEqual([]);
  });

  it('saves yes/no, choice and date fields as soon as they are picked', async () => {
    const { requests, user } = renderContact();
    const member = await screen.findByRole('switch', { name: 'Member' });
    expect(member).toBeChecked();
    await user.click(member);
    await waitFor(() => expect(patches(requests)).toEqual([{ fields: { member: false } }]));
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Member' })).not.toBeChecked());

    await user.click(screen.getByRole('textbox', { name: 'Plan' }));
    await user.click(await screen.findByRole('option', { name: 'free', hidden: true }));
    await waitFor(() => expect(patches(requests).at(-1)).toEqual({ fields: { plan: 'free' } }));

    await user.click(screen.getByRole('button', { name: 'Joined' }));
    await user.click(await screen.findByRole('button', { name: '15 May 2024', hidden: true }));
    await waitFor(() =>
      expect(patches(requests).at(-1)).toEqual({ fields: { joined: '2024-05-15' } }),
    );
    expect(patches(requests)).toHaveLength(3);
  });

  it('adds and removes tags in place', async () => {
    const { requests, user } = renderContact();
    const input = await screen.findByRole('textbox', { name: 'Tags' });
    await user.type(input, 'newsletter{Enter}');
    await waitFor(() =>
      expect(patches(requests)).toEqual([{ tags: ['jakarta', 'vip', 'newsletter'] }]),
    );

    const pill = screen.getByText('jakarta').closest<HTMLElement>('.mantine-Pill-root')!;
    await user.click(within(pill).getByRole('button', { hidden: true }));
    await waitFor(() => expect(patches(requests).at(-1)).toEqual({ tags: ['vip', 'newsletter'] }));
  });

  it('opts the contact out and back in', async () => {
    const { requests, user } = renderContact();
    await user.click(await screen.findByRole('button', { name: 'Opt out' }));
    await waitFor(() => expect(patches(requests)).toEqual([{ consent: 'opted_out' }]));
    expect(await screen.findByRole('button', { name: 'Opt in' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Opt out' })).toBeNull();
  });

  it('shows the conversation oldest first with types, status ticks and failures', async () => {
    renderContact({
      contact: makeContact({ window_open_until: '2999-01-01T00:00:00Z' }),
      messages: [
        makeMessage({
          id: 4,
          direction: 'out',
          type: 'text',
          text: 'Sorry, we could not send this',
          status: 'failed',
          error: { code: 131026, title: 'Message undeliverable' },
          created_at: '2026-11-25T05:03:00Z',
        }),
        makeMessage({
          id: 3,
          direction: 'in',
          type: 'location',
          text: null,
          content: { location: { latitude: -6.2, longitude: 106.8, name: 'Monas' } },
          created_at: '2026-11-25T05:02:00Z',
        }),
        makeMessage({
          id: 2,
          direction: 'out',
          type: 'text',
          text: 'Your order shipped',
          status: 'read',
          created_at: '2026-11-25T05:01:00Z',
        }),
        makeMessage({ id: 1, text: 'Where is my order?', created_at: '2026-11-25T05:00:00Z' }),
      ],
    });

    const log = await screen.findByRole('log', { name: 'Messages' });
    const items = within(log).getAllByRole('listitem', { name: /^(Sent|Received)/ });
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringContaining('Where is my order?'),
      expect.stringContaining('Your order shipped'),
      expect.stringContaining('Monas'),
      expect.stringContaining('Sorry, we could not send this'),
    ]);
    expect(within(items[1]!).getByRole('img', { name: 'Read' })).toBeInTheDocument();
    expect(within(items[3]!).getByRole('note')).toHaveTextContent(
      'Not delivered: Message undeliverable (131026)',
    );
    expect(within(items[2]!).getByRole('link', { name: /Open map/ })).toBeInTheDocument();
    expect(screen.getByText(/24-hour window open until/)).toBeInTheDocument();
  });

  it('loads earlier messages above the ones shown', async () => {
    const { requests, user } = renderContact({
      extra: {
        'GET /api/v1/contacts/12/messages': (request: RecordedRequest) =>
          request.query.get('cursor') === 'older'
            ? jsonResponse({
                data: [
                  makeMessage({ id: 1, text: 'First message', created_at: '2026-11-24T04:00:00Z' }),
                ],
                next_cursor: null,
              })
            : jsonResponse({
                data: [
                  makeMessage({
                    id: 2,
                    text: 'Latest message',
                    created_at: '2026-11-25T04:00:00Z',
                  }),
                ],
                next_cursor: 'older',
              }),
      },
    });
    const log = await screen.findByRole('log', { name: 'Messages' });
    expect(log).toHaveTextContent('Latest message');
    await user.click(screen.getByRole('button', { name: 'Load earlier messages' }));
    await waitFor(() => expect(log).toHaveTextContent(/First message.*Latest message/));
    expect(screen.queryByRole('button', { name: 'Load earlier messages' })).toBeNull();
    const pages = requests.filter((request) => request.path.endsWith('/messages'));
    expect(pages.map((request) => request.query.get('cursor'))).toEqual([null, 'older']);
  });

  it('says the window is closed when the contact has not written in 24 hours', async () => {
    renderContact();
    expect(
      await screen.findByText('24-hour window closed: only templates can be sent'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No messages yet')).toBeInTheDocument();
  });

  it('deletes the contact after a confirmation and returns to the list', async () => {
    const { requests, router, user } = renderContact({
      extra: { 'DELETE /api/v1/contacts/12': () => jsonResponse(null, { status: 204 }) },
    });
    await user.click(await screen.findByRole('button', { name: 'Delete contact' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete Ana?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete contact' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/contacts'));
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('lets a viewer read but not change anything', async () => {
    renderContact({ role: 'viewer' });
    await screen.findByRole('heading', { name: 'Ana' });
    expect(screen.queryByRole('button', { name: 'Delete contact' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Opt out' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Edit/ })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Tags' })).toBeNull();
    expect(screen.getByText('Jakarta')).toBeInTheDocument();
  });

  it('says when the contact does not exist', async () => {
    renderContact({
      extra: {
        'GET /api/v1/contacts/12': () => errorResponse(404, 'not_found', 'No such contact.'),
      },
    });
    expect(await screen.findByText('This contact does not exist')).toBeInTheDocument();
  });
});
