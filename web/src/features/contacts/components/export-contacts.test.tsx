import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import type { ContactExport } from '../api/get-export';
import { ExportContacts } from './export-contacts';

const queued: ContactExport = {
  id: 3,
  state: 'queued',
  rows: 0,
  total: null,
  created_at: '2026-11-25T04:00:00Z',
  finished_at: null,
  error: null,
};

describe('ExportContacts', () => {
  it('exports the filtered contacts, shows live progress and then the download', async () => {
    const { requests } = stubFetch({
      'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
      'POST /api/v1/exports': () => jsonResponse(queued, { status: 202 }),
      'GET /api/v1/exports/3': () => jsonResponse(queued),
    });
    const realtime = fakeConnect();
    const { user } = renderWithProviders(
      <RealtimeProvider connect={realtime.connect}>
        <ExportContacts
          filter={{ tag: ['vip'], 'field.age.gte': '18' }}
          sort="-name"
          total={1532}
        />
      </RealtimeProvider>,
    );

    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export 1,532 contacts' });
    expect(await within(dialog).findByText('Waiting to start…')).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      filter: { tag: ['vip'], 'field.age.gte': '18' },
      sort: '-name',
    });

    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const echo = realtime.latest();
    act(() =>
      echo.emitEvent('export.progress', { ...queued, state: 'running', rows: 500, total: 1532 }),
    );
    expect(within(dialog).getByText('500 of 1,532 contacts written')).toBeInTheDocument();

    act(() =>
      echo.emitEvent('export.progress', {
        ...queued,
        state: 'completed',
        rows: 1532,
        total: 1532,
        finished_at: '2026-11-25T04:01:00Z',
      }),
    );
    expect(await within(dialog).findByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      '/api/v1/exports/3/download',
    );
  });

  it('sends no filter when none is set', async () => {
    const { requests } = stubFetch({
      'POST /api/v1/exports': () =>
        jsonResponse({ ...queued, state: 'failed', error: 'Disk full' }),
      'GET /api/v1/exports/3': () =>
        jsonResponse({ ...queued, state: 'failed', error: 'Disk full' }),
    });
    const { user } = renderWithProviders(
      <ExportContacts filter={{}} sort="-created_at" total={null} />,
    );
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export contacts' });
    expect(await within(dialog).findByText('Disk full')).toBeInTheDocument();
    // The default order is the server's own; it is not sent.
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({});
  });
});
