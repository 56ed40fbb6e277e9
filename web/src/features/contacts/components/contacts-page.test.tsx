import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/auth';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Contact } from '../api/get-contact';
import { fields, makeContacts, tags } from '../test-fixtures';
import { ContactsPage } from './contacts-page';

const viewportHeight = 480;

beforeEach(() => {
  // jsdom lays nothing out; the virtualizer reads the scroll box's height from clientHeight.
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(viewportHeight);
});

/** Pages of 100 from `all`, with `next_cursor` = the next offset and the total on page one. */
function pagedContacts(all: Contact[]) {
  return (request: RecordedRequest) => {
    const offset = Number(request.query.get('cursor') ?? 0);
    const limit = Number(request.query.get('limit'));
    const next = offset + limit < all.length ? String(offset + limit) : null;
    return jsonResponse({
      data: all.slice(offset, offset + limit),
      next_cursor: next,
      ...(request.query.get('count') === 'true' ? { total: all.length } : {}),
    });
  };
}

function renderPage({
  role = 'editor',
  route = '/contacts',
  contacts = makeContacts(250),
  extra = {},
}: {
  role?: Role;
  route?: string;
  contacts?: Contact[];
  extra?: Parameters<typeof stubFetch>[0];
} = {}) {
  const stub = stubFetch({
    'GET /api/v1/contacts': pagedContacts(contacts),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: fields }),
    'GET /api/v1/tags': () => jsonResponse({ data: tags }),
    ...extra,
  });
  const rendered = renderWithProviders(<ContactsPage me={makeMe(role)} />, {
    route,
    routes: [{ path: '/contacts/:id', element: <p>Contact page</p> }],
  });
  return { ...rendered, requests: stub.requests };
}

function listRequests(requests: RecordedRequest[]) {
  return requests.filter((request) => request.path === '/api/v1/contacts');
}

// Each test renders a few dozen rows of Mantine components, which jsdom takes its time over.
describe('ContactsPage', { timeout: 30_000 }, () => {
  it('shows the count, renders only the rows in view and loads the next page on scroll', async () => {
    const { requests } = renderPage();
    expect(await screen.findByText('250 contacts')).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Contacts' });
    expect(table).toHaveAttribute('aria-rowcount', '251');
    expect(within(table).getByRole('row', { name: /^Contact 1,/ })).toBeInTheDocument();
    // Virtualized: the first page has 100 contacts, far fewer rows exist in the DOM.
    const rendered = within(table).getAllByRole('row').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(40);

    const [first] = listRequests(requests);
    expect(first?.query.get('count')).toBe('true');
    expect(first?.query.get('limit')).toBe('100');
    expect(first?.query.get('sort')).toBe('-created_at');
    expect(listRequests(requests)).toHaveLength(1);

    const scroller = screen.getByTestId('contacts-scroll');
    act(() => {
      scroller.scrollTop = 60 * 48;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(listRequests(requests)).toHaveLength(2));
    const second = listRequests(requests)[1]!;
    expect(second.query.get('cursor')).toBe('100');
    expect(second.query.get('count')).toBeNull();

    act(() => {
      scroller.scrollTop = 140 * 48;
      fireEvent.scroll(scroller);
    });
    expect(await within(table).findByRole('row', { name: /^Contact 150,/ })).toBeInTheDocument();
    expect(within(table).queryByRole('row', { name: /^Contact 1,/ })).toBeNull();
  });

  it('sorts on the server when a column header is clicked', async () => {
    const { requests, router, user } = renderPage();
    await screen.findByText('250 contacts');

    await user.click(screen.getByRole('button', { name: 'Sort by Name' }));
    await waitFor(() => expect(listRequests(requests).at(-1)?.query.get('sort')).toBe('name'));
    expect(router.state.location.search).toBe('?sort=name');
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );

    await user.click(screen.getByRole('button', { name: 'Sort by Name' }));
    await waitFor(() => expect(listRequests(requests).at(-1)?.query.get('sort')).toBe('-name'));
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );

    // Dates start with the newest.
    await user.click(screen.getByRole('button', { name: 'Sort by Last inbound' }));
    await waitFor(() =>
      expect(listRequests(requests).at(-1)?.query.get('sort')).toBe('-last_inbound_at'),
    );
  });

  it('reads the filters from the URL, sends them, and writes changes back', async () => {
    const { requests, router, user } = renderPage({
      route: '/contacts?q=ana&tag=vip&consent=opted_in&field.age.gte=18&columns=city',
    });
    await screen.findByText('250 contacts');

    const first = listRequests(requests)[0]!;
    expect(first.query.get('q')).toBe('ana');
    expect(first.query.getAll('tag')).toEqual(['vip']);
    expect(first.query.get('consent')).toBe('opted_in');
    expect(first.query.get('field.age.gte')).toBe('18');
    expect(first.query.get('columns')).toBeNull();
    expect(screen.getByLabelText('Search contacts')).toHaveValue('ana');
    expect(screen.getByLabelText('Consent')).toHaveValue('opted_in');
    expect(screen.getByText('Age is at least 18')).toBeInTheDocument();
    // The chosen custom field is a column.
    expect(screen.getByRole('columnheader', { name: 'City' })).toBeInTheDocument();

    const search = screen.getByLabelText('Search contacts');
    await user.type(search, ' ');
    // Nothing to wait for but the debounce itself: the trimmed search is the one already sent.
    await act(() => new Promise((resolve) => setTimeout(resolve, 400)));
    // The space typed stays in the box although the URL keeps the search trimmed.
    await user.type(search, 'b');
    await waitFor(() => expect(listRequests(requests).at(-1)?.query.get('q')).toBe('ana b'));
    expect(search).toHaveValue('ana b');
    expect(new URLSearchParams(router.state.location.search).get('q')).toBe('ana b');

    await user.click(screen.getByRole('button', { name: 'More filters (1 set)' }));
    const form = screen.getByRole('group', { name: 'Add a field condition' });
    await user.selectOptions(within(form).getByLabelText('Field'), 'age');
    await user.selectOptions(within(form).getByLabelText('Condition'), 'lte');
    await user.type(within(form).getByLabelText('Value'), '65');
    await user.click(within(form).getByRole('button', { name: 'Add condition' }));
    await waitFor(() =>
      expect(listRequests(requests).at(-1)?.query.get('field.age.lte')).toBe('65'),
    );
    expect(listRequests(requests).at(-1)?.query.get('field.age.gte')).toBe('18');

    await user.click(screen.getByRole('button', { name: 'Remove Age is at least 18' }));
    await waitFor(() =>
      expect(new URLSearchParams(router.state.location.search).get('field.age.gte')).toBeNull(),
    );

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe('?columns=city'));
    expect(screen.getByLabelText('Search contacts')).toHaveValue('');
    const last = listRequests(requests).at(-1)!;
    expect([...last.query.keys()].sort()).toEqual(['count', 'limit', 'sort']);
  });

  it('shows the custom fields picked under Columns', async () => {
    const { router, user } = renderPage();
    await screen.findByText('250 contacts');
    await user.click(screen.getByRole('button', { name: 'Columns' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Age' }));
    await waitFor(() => expect(router.state.location.search).toBe('?columns=age'));
    expect(screen.getByRole('checkbox', { name: 'Age' })).toBeChecked();
    expect(screen.getByRole('columnheader', { name: 'Age' })).toBeInTheDocument();
    expect(screen.getAllByRole('cell', { name: '31' }).length).toBeGreaterThan(0);
  });

  it('tags the rows picked with a shift-click range', async () => {
    const { requests, user } = renderPage({
      extra: { 'POST /api/v1/contacts/bulk': () => jsonResponse({ affected: 4 }) },
    });
    await screen.findByText('250 contacts');

    await user.click(screen.getByRole('checkbox', { name: 'Select Contact 1' }));
    await user.keyboard('{Shift>}');
    await user.click(screen.getByRole('checkbox', { name: 'Select Contact 4' }));
    await user.keyboard('{/Shift}');
    const bar = screen.getByRole('region', { name: 'Selected contacts' });
    expect(within(bar).getByRole('status')).toHaveTextContent('4 contacts selected');

    await user.click(within(bar).getByRole('button', { name: 'Add tag' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tag 4 contacts' });
    await user.type(within(dialog).getByLabelText('Tags'), 'promo{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Add tags' }));

    await waitFor(() =>
      expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
        action: 'tag',
        tags: ['promo'],
        ids: [1, 2, 3, 4],
      }),
    );
    expect(await screen.findByText('Tagged 4 contacts with “promo”.')).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Selected contacts' })).toBeNull();
  });

  it('deletes every matching contact by filter after a confirmation naming how many', async () => {
    const { requests, user } = renderPage({
      route: '/contacts?tag=vip',
      extra: { 'POST /api/v1/contacts/bulk': () => jsonResponse({ affected: 250 }) },
    });
    await screen.findByText('250 contacts');

    await user.click(screen.getByRole('checkbox', { name: 'Select all loaded contacts' }));
    const bar = screen.getByRole('region', { name: 'Selected contacts' });
    expect(within(bar).getByRole('status')).toHaveTextContent('100 contacts selected');
    await user.click(within(bar).getByRole('button', { name: 'Select all 250 matching contacts' }));
    expect(within(bar).getByRole('status')).toHaveTextContent('All 250 matching contacts selected');

    await user.click(within(bar).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 250 contacts?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete 250 contacts' }));

    await waitFor(() =>
      expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
        action: 'delete',
        filter: { tag: ['vip'] },
      }),
    );
  });

  it('opts the selected contacts out', async () => {
    const { requests, user } = renderPage({
      extra: { 'POST /api/v1/contacts/bulk': () => jsonResponse({ affected: 1 }) },
    });
    await screen.findByText('250 contacts');
    await user.click(screen.getByRole('checkbox', { name: 'Select Contact 2' }));
    await user.click(screen.getByRole('button', { name: 'Opt out' }));
    const dialog = await screen.findByRole('dialog', { name: 'Opt out 1 contact?' });
    await user.click(within(dialog).getByRole('button', { name: 'Opt out' }));
    await waitFor(() =>
      expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
        action: 'opt_out',
        ids: [2],
      }),
    );
  });

  it('moves between rows with the arrow keys and opens one with Enter', async () => {
    const { router, user } = renderPage();
    await screen.findByText('250 contacts');

    const first = screen.getByRole('row', { name: /^Contact 1,/ });
    act(() => first.focus());
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const third = screen.getByRole('row', { name: /^Contact 3,/ });
    expect(third).toHaveFocus();
    await user.keyboard('{ArrowUp}{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/contacts/2'));
  });

  it('offers no write actions to a viewer', async () => {
    renderPage({ role: 'viewer' });
    await screen.findByText('250 contacts');
    expect(screen.queryByRole('button', { name: 'New contact' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Import CSV' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: /^Select/ })).toBeNull();
  });

  it('says what to do when there are no contacts yet', async () => {
    renderPage({ contacts: [] });
    expect(await screen.findByText('No contacts yet')).toBeInTheDocument();
    expect(screen.getByText('0 contacts')).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'Import CSV' })[0]).toHaveAttribute(
      'href',
      '/contacts/import',
    );
    expect(screen.getAllByRole('button', { name: 'New contact' }).length).toBeGreaterThan(0);
  });

  it('offers to clear filters that match nothing', async () => {
    const { router, user } = renderPage({ route: '/contacts?tag=nobody', contacts: [] });
    expect(await screen.findByText('No contacts match these filters')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('explains filters the server refuses and offers to clear them', async () => {
    const { router, user } = renderPage({
      route: '/contacts?field.gone=1',
      extra: {
        'GET /api/v1/contacts': (request) =>
          request.query.has('field.gone')
            ? errorResponse(400, 'bad_request', 'The filter has an invalid value.', {
                'field.gone': 'names no field of this workspace',
              })
            : pagedContacts(makeContacts(2))(request),
      },
    });
    expect(await screen.findByText("These filters can't be used")).toBeInTheDocument();
    expect(
      screen.getByText(
        'The filter has an invalid value. (field.gone: names no field of this workspace)',
      ),
    ).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' }).at(-1)!);
    expect(await screen.findByText('2 contacts')).toBeInTheDocument();
    expect(router.state.location.search).toBe('');
  });

  it('shows a failed load with a way to try again', async () => {
    let fail = true;
    const contacts = makeContacts(3);
    renderPage({
      extra: {
        'GET /api/v1/contacts': (request) =>
          fail
            ? errorResponse(500, 'internal', 'The server ran into a problem.', undefined, {
                'X-Request-Id': 'req-1',
              })
            : pagedContacts(contacts)(request),
      },
    });
    const alert = (await screen.findByText("Couldn't load contacts")).closest<HTMLElement>(
      '[role="alert"]',
    )!;
    expect(alert).toHaveTextContent('request req-1');
    fail = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('3 contacts')).toBeInTheDocument();
  });
});
