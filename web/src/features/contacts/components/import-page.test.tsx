import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Import } from '../api/get-import';
import { fields, makeImport, tags } from '../test-fixtures';
import { ImportPage } from './import-page';

const csv = 'Phone,Name,City\n0812 1,Ana,Jakarta\n0812 2,Budi,Bandung\n';

const preview = {
  delimiter: ',',
  has_header: true,
  headers: ['Phone', 'Name', 'City'],
  rows: [
    ['0812 1', 'Ana', 'Jakarta'],
    ['0812 2', 'Budi', 'Bandung'],
  ],
  suggested_mapping: [
    { column: 0, target: 'phone' },
    { column: 1, target: 'name' },
  ],
};

function renderImport({
  role = 'editor',
  route = '/contacts/import',
  routes,
}: {
  role?: Role;
  route?: string;
  routes: Parameters<typeof stubFetch>[0];
}) {
  const stub = stubFetch({
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: fields }),
    'GET /api/v1/tags': () => jsonResponse({ data: tags }),
    'GET /api/v1/imports': () => jsonResponse({ data: [], next_cursor: null }),
    ...routes,
  });
  const realtime = fakeConnect();
  function Route() {
    const { importId } = useParams();
    return (
      <RealtimeProvider connect={realtime.connect}>
        <ImportPage me={makeMe(role)} importId={importId ? Number(importId) : null} />
      </RealtimeProvider>
    );
  }
  const rendered = renderWithProviders(<p>Elsewhere</p>, {
    route,
    routes: [
      { path: '/contacts/import/:importId?', element: <Route /> },
      { path: '/contacts', element: <p>Contacts list</p> },
    ],
  });
  return { ...rendered, requests: stub.requests, realtime };
}

/** The server's side of one import: chunks, mapping, start and cancel. */
function importServer(start: Partial<Import> = {}) {
  const state = {
    current: makeImport({ size_bytes: csv.length, max_chunk_bytes: 16, ...start }),
    stored: '',
    // Pretends that the chunk at 16 arrived once already although its answer was lost.
    lostAnswerAt: 16 as number | null,
  };
  const routes = {
    'POST /api/v1/imports': () => jsonResponse(state.current, { status: 201 }),
    'GET /api/v1/imports/7': () => jsonResponse(state.current),
    'PUT /api/v1/imports/7/data': async (request: RecordedRequest) => {
      const offset = Number(request.query.get('offset'));
      const chunk = await request.rawBody!.text();
      if (offset === state.lostAnswerAt) {
        state.lostAnswerAt = null;
        state.stored += chunk;
      }
      if (offset !== state.stored.length) {
        return errorResponse(409, 'conflict', 'The upload stands elsewhere.', {
          bytes_received: state.stored.length,
        });
      }
      state.stored += chunk;
      const done = state.stored.length === csv.length;
      state.current = {
        ...state.current,
        bytes_received: state.stored.length,
        ...(done ? { state: 'mapping', preview } : {}),
      };
      return jsonResponse({ bytes_received: state.stored.length });
    },
    'POST /api/v1/imports/7/start': (request: RecordedRequest) => {
      const settings = request.body as Import['settings'];
      state.current = { ...state.current, state: 'queued', settings };
      return jsonResponse(state.current, { status: 202 });
    },
    'POST /api/v1/imports/7/cancel': () => {
      state.current = { ...state.current, state: 'cancelled' };
      return jsonResponse(state.current);
    },
  };
  return { state, routes };
}

describe('ImportPage', { timeout: 30_000 }, () => {
  it('uploads the file in chunks, going on from where the server stands after a 409', async () => {
    const server = importServer();
    const { requests, router, user } = renderImport({ routes: server.routes });

    const file = new File([csv], 'leads.csv', { type: 'text/csv' });
    const zone = await screen.findByRole('group', { name: 'CSV file drop zone' });
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    expect(within(zone).getByText('leads.csv')).toBeInTheDocument();
    expect(within(zone).getByText(`${csv.length} bytes`)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    expect(await screen.findByRole('heading', { name: 'Map the columns' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/contacts/import/7');
    expect(
      requests.find((request) => request.method === 'POST' && request.path === '/api/v1/imports')
        ?.body,
    ).toEqual({
      filename: 'leads.csv',
      size_bytes: csv.length,
    });
    const puts = requests.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.query.get('offset'))).toEqual(['0', '16', '32', '48']);
    expect(puts.map((request) => request.rawBody?.size)).toEqual([16, 16, 16, csv.length - 48]);
    expect(server.state.stored).toBe(csv);
  });

  it('refuses a file that is not CSV before sending anything', async () => {
    const { requests } = renderImport({ routes: {} });
    fireEvent.drop(await screen.findByRole('group', { name: 'CSV file drop zone' }), {
      dataTransfer: { files: [new File(['%PDF'], 'leads.pdf', { type: 'application/pdf' })] },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a CSV file');
    expect(screen.getByRole('button', { name: 'Upload' })).toBeDisabled();
    expect(requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
  });

  it('checks the mapping, then starts with the chosen columns and options', async () => {
    const server = importServer({ state: 'mapping', preview, bytes_received: csv.length });
    const { requests, user } = renderImport({
      route: '/contacts/import/7',
      routes: server.routes,
    });

    const table = await screen.findByRole('table', { name: 'File preview' });
    expect(within(table).getByRole('cell', { name: 'Budi' })).toBeInTheDocument();
    const phone = screen.getByLabelText('Map column “Phone”');
    expect(phone).toHaveValue('phone');

    // No phone column: nothing is sent.
    await user.selectOptions(phone, 'ignore');
    await user.click(screen.getByRole('button', { name: 'Start import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Map one column to Phone number');
    // Two phone columns: also refused.
    await user.selectOptions(phone, 'phone');
    await user.selectOptions(screen.getByLabelText('Map column “Name”'), 'phone');
    expect(screen.getByRole('alert')).toHaveTextContent('Only one column can be the phone number');
    await user.selectOptions(screen.getByLabelText('Map column “Name”'), 'name');
    expect(requests.some((request) => request.path.endsWith('/start'))).toBe(false);

    await user.selectOptions(screen.getByLabelText('Map column “City”'), 'new_field');
    const dialog = await screen.findByRole('dialog', { name: 'New field for “City”' });
    expect(within(dialog).getByLabelText('Field name')).toHaveValue('City');
    // A field named like an existing one would clash with it.
    await user.click(within(dialog).getByRole('button', { name: 'Use this field' }));
    expect(within(dialog).getByLabelText('Field name')).toHaveAccessibleDescription(
      /already exists/,
    );
    await user.clear(within(dialog).getByLabelText('Field name'));
    await user.type(within(dialog).getByLabelText('Field name'), 'Town');
    await user.click(within(dialog).getByRole('button', { name: 'Use this field' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText(/New text field “Town”/)).toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: /Skip existing contacts/ }));
    await user.type(
      screen.getByRole('textbox', { name: 'Tag every imported contact' }),
      'nov-leads{Enter}',
    );
    await user.selectOptions(screen.getByLabelText('Consent of imported contacts'), 'opted_in');
    await user.click(screen.getByRole('switch', { name: 'First row is a header' }));
    expect(within(table).getByRole('cell', { name: 'Phone' })).toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'First row is a header' }));
    await user.click(screen.getByRole('button', { name: 'Start import' }));

    await waitFor(() =>
      expect(requests.find((request) => request.path.endsWith('/start'))?.body).toEqual({
        mapping: [
          { column: 0, target: 'phone' },
          { column: 1, target: 'name' },
          { column: 2, target: 'new_field', field: { label: 'Town', type: 'text' } },
        ],
        dedupe: 'skip',
        tags: ['nov-leads'],
        consent: 'opted_in',
        has_header: true,
      }),
    );
    expect(await screen.findByText('Waiting for a worker to start…')).toBeInTheDocument();
  });

  it('follows the progress from realtime events and ends with the summary', async () => {
    const server = importServer({
      state: 'queued',
      preview,
      settings: {
        mapping: [{ column: 0, target: 'phone' }],
        dedupe: 'update',
        tags: ['nov-leads'],
        consent: 'unknown',
        has_header: true,
      },
    });
    const { realtime } = renderImport({ route: '/contacts/import/7', routes: server.routes });
    expect(await screen.findByText('Waiting for a worker to start…')).toBeInTheDocument();
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const echo = realtime.latest();
    act(() => echo.emitStatus('connected'));

    const running: Import = {
      ...server.state.current,
      state: 'running',
      size_bytes: 1000,
      progress: {
        rows: 1200,
        created: 1000,
        updated: 150,
        skipped: 30,
        failed: 20,
        bytes: 400,
        rows_per_second: 41000,
        eta_seconds: 185,
      },
    };
    // Another import's event changes nothing here.
    act(() => echo.emitEvent('import.progress', { ...running, id: 8 }));
    expect(screen.getByText('Waiting for a worker to start…')).toBeInTheDocument();

    act(() => echo.emitEvent('import.progress', { ...running, preview: undefined }));
    expect(await screen.findByText('1,200 rows done · 40%')).toBeInTheDocument();
    expect(screen.getByText('41,000 rows/s · about 3 min 5 s left')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Created' })).toHaveTextContent('1,000');
    expect(screen.getByRole('group', { name: 'Failed' })).toHaveTextContent('20');
    expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );

    act(() =>
      echo.emitEvent('import.progress', {
        ...running,
        state: 'completed',
        progress: { ...running.progress, rows: 3000, bytes: 1000, eta_seconds: 0 },
      }),
    );
    expect(await screen.findByText('Imported 3,000 rows')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download error report' })).toHaveAttribute(
      'href',
      '/api/v1/imports/7/errors.csv',
    );
    expect(screen.getByRole('link', { name: 'View imported contacts' })).toHaveAttribute(
      'href',
      '/contacts?tag=nov-leads',
    );
    expect(screen.queryByRole('button', { name: 'Cancel import' })).toBeNull();
  });

  it('polls for progress while realtime is unavailable', async () => {
    const server = importServer({ state: 'queued', preview });
    const { realtime } = renderImport({ route: '/contacts/import/7', routes: server.routes });
    expect(await screen.findByText('Waiting for a worker to start…')).toBeInTheDocument();
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    act(() => realtime.latest().emitStatus('failed'));

    server.state.current = {
      ...server.state.current,
      state: 'running',
      progress: {
        rows: 10,
        created: 10,
        updated: 0,
        skipped: 0,
        failed: 0,
        bytes: 5,
        rows_per_second: 10,
        eta_seconds: 1,
      },
    };
    expect(
      await screen.findByText(/^10 rows done/, undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
  });

  it('cancels a running import after a confirmation', async () => {
    const server = importServer({ state: 'running', preview });
    const { requests, user } = renderImport({
      route: '/contacts/import/7',
      routes: server.routes,
    });
    await user.click(await screen.findByRole('button', { name: 'Cancel import' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel this import?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel import' }));
    expect(await screen.findByText('The import was cancelled')).toBeInTheDocument();
    expect(requests.some((request) => request.path === '/api/v1/imports/7/cancel')).toBe(true);
  });

  it('lists recent imports with their state and counts', async () => {
    renderImport({
      routes: {
        'GET /api/v1/imports': () =>
          jsonResponse({
            data: [
              makeImport({
                state: 'completed',
                filename: 'october.csv',
                progress: {
                  rows: 5000,
                  created: 4000,
                  updated: 900,
                  skipped: 50,
                  failed: 50,
                  bytes: 10,
                  rows_per_second: 0,
                  eta_seconds: null,
                },
              }),
            ],
            next_cursor: null,
          }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Recent imports' });
    const row = within(table).getByRole('row', { name: /october\.csv/ });
    expect(row).toHaveTextContent('Completed');
    expect(row).toHaveTextContent('5,000');
    expect(within(row).getByRole('link', { name: 'october.csv' })).toHaveAttribute(
      'href',
      '/contacts/import/7',
    );
  });

  it('tells a viewer that imports are for editors', async () => {
    renderImport({ role: 'viewer', routes: {} });
    expect(
      await screen.findByText('Only owners, admins and editors can import contacts.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Upload' })).toBeNull();
  });
});
