import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RealtimeProvider } from '@/lib/realtime/realtime-provider';
import { fakeConnect, testRealtimeConfig } from '@/testing/fake-echo';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Template } from '../api/get-templates';
import { makeAccount, makeTemplate } from '../test-fixtures';
import { TemplatesPage } from './templates-page';

const acme = makeAccount();
const shop = makeAccount({ id: 3, name: 'Shop', waba_id: '3333333333' });

function stubTemplates(
  templates: () => Template[],
  extra: Parameters<typeof stubFetch>[0] = {},
  accounts = [acme, shop],
) {
  return stubFetch({
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: templates() }),
    'GET /api/v1/realtime': () => jsonResponse(testRealtimeConfig),
    ...extra,
  });
}

function templateRequests(requests: { method: string; path: string; query: URLSearchParams }[]) {
  return requests.filter(
    (request) => request.method === 'GET' && request.path === '/api/v1/whatsapp/templates',
  );
}

describe('TemplatesPage', () => {
  it('lists templates with their status, the rejection reason, quality and account', async () => {
    stubTemplates(() => [
      makeTemplate(),
      makeTemplate({
        id: 9,
        name: 'spring_sale',
        category: 'MARKETING',
        status: 'REJECTED',
        rejected_reason: 'PROMOTIONAL',
        quality: 'UNKNOWN',
        account_id: 3,
      }),
      makeTemplate({ id: 10, name: 'welcome', status: 'PENDING', language: 'id' }),
    ]);
    renderWithProviders(<TemplatesPage me={makeMe('editor')} />, { route: '/templates' });

    const table = await screen.findByRole('table', { name: 'Templates' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(
      /order_update.*English \(US\).*Utility.*Approved.*High.*Acme main/,
    );
    expect(rows[2]).toHaveTextContent(
      /spring_sale.*Marketing.*Rejected.*Promotional.*Unknown.*Shop/,
    );
    expect(rows[3]).toHaveTextContent(/welcome.*Indonesian.*Pending/);
  });

  it('sends every filter as a request parameter', async () => {
    const { requests } = stubTemplates(() => []);
    const { user, router } = renderWithProviders(<TemplatesPage me={makeMe('viewer')} />, {
      route: '/templates',
    });

    await screen.findByText('No templates yet');
    expect(templateRequests(requests)[0]?.query.toString()).toBe('');

    await user.selectOptions(screen.getByLabelText('Account'), 'Shop');
    await user.selectOptions(screen.getByLabelText('Status'), 'REJECTED');
    await user.selectOptions(screen.getByLabelText('Category'), 'MARKETING');
    await user.selectOptions(screen.getByLabelText('Language'), 'pt_BR');
    await user.type(screen.getByLabelText('Search by name'), 'sale');

    await waitFor(() =>
      expect(Object.fromEntries(templateRequests(requests).at(-1)!.query)).toEqual({
        account_id: '3',
        status: 'REJECTED',
        category: 'MARKETING',
        language: 'pt_BR',
        q: 'sale',
      }),
    );
    // The search waits for a pause in typing: no request for "s", "sa" or "sal".
    expect(templateRequests(requests).some((r) => r.query.get('q') === 'sa')).toBe(false);
    expect(router.state.location.search).toContain('q=sale');
    expect(await screen.findByText('No templates match these filters')).toBeInTheDocument();

    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await waitFor(() => expect(templateRequests(requests).at(-1)!.query.toString()).toBe(''));
    expect(screen.getByLabelText('Search by name')).toHaveValue('');
  });

  it('syncs an account from Meta and says what changed', async () => {
    let templates: Template[] = [];
    const { requests } = stubTemplates(
      () => templates,
      {
        'POST /api/v1/whatsapp/accounts/2/templates/sync': () => {
          templates = [makeTemplate()];
          return jsonResponse({ synced: 12, removed: 1 });
        },
      },
      [acme],
    );
    const { user } = renderWithProviders(<TemplatesPage me={makeMe('editor')} />, {
      route: '/templates',
    });

    await user.click(await screen.findByRole('button', { name: 'Sync from Meta' }));
    expect(await screen.findByText('12 synced, 1 removed')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'order_update' })).toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it("names each account's sync button when there are several, and shows Meta's refusal", async () => {
    stubTemplates(() => [], {
      'POST /api/v1/whatsapp/accounts/3/templates/sync': () =>
        errorResponse(502, 'upstream_failed', '(#80007) Rate limit hit'),
    });
    const { user } = renderWithProviders(<TemplatesPage me={makeMe('admin')} />, {
      route: '/templates',
    });

    expect(await screen.findByRole('button', { name: 'Sync Acme main from Meta' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Sync Shop from Meta' }));
    expect(await screen.findByText('Sync failed: (#80007) Rate limit hit')).toBeInTheDocument();
  });

  it('opens a template as a WhatsApp bubble with its variables marked', async () => {
    stubTemplates(() => [makeTemplate()]);
    const { user, router } = renderWithProviders(<TemplatesPage me={makeMe('viewer')} />, {
      route: '/templates',
    });

    await user.click(await screen.findByRole('button', { name: 'order_update' }));
    const drawer = await screen.findByRole('dialog', { name: 'order_update' });
    expect(router.state.location.search).toBe('?template=8');
    const preview = within(drawer).getByRole('figure', { name: 'Preview of order_update' });
    expect(preview).toHaveTextContent('Order {{1}}');
    expect(preview).toHaveTextContent('Hi {{1}}, your order is on its way and arrives {{2}}.');
    expect(within(preview).getByText('on its way').tagName).toBe('STRONG');
    expect(Array.from(preview.querySelectorAll('mark'), (mark) => mark.textContent)).toEqual([
      '{{1}}',
      '{{1}}',
      '{{2}}',
    ]);
    expect(preview).toHaveTextContent('Reply STOP to opt out');
    const buttons = within(preview).getByRole('list', { name: 'Buttons' });
    expect(
      within(buttons)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['Track order', 'Stop promotions']);

    await user.click(within(drawer).getByLabelText('Show example values'));
    expect(preview).toHaveTextContent('Hi Ana, your order is on its way and arrives tomorrow.');
    expect(preview).toHaveTextContent('Order #1001');
    // Viewers may look, not delete.
    expect(within(drawer).queryByRole('button', { name: 'Delete template' })).toBeNull();
  });

  it('refreshes the list when a template.updated event arrives', async () => {
    let status = 'PENDING';
    const { requests } = stubTemplates(() => [makeTemplate({ status })]);
    const realtime = fakeConnect();
    renderWithProviders(
      <RealtimeProvider connect={realtime.connect}>
        <TemplatesPage me={makeMe('viewer')} />
      </RealtimeProvider>,
      { route: '/templates' },
    );

    const table = await screen.findByRole('table', { name: 'Templates' });
    expect(within(table).getByText('Pending')).toBeInTheDocument();
    await waitFor(() => expect(realtime.instances).toHaveLength(1));
    const before = templateRequests(requests).length;

    status = 'APPROVED';
    act(() => {
      realtime.latest().emitEvent('template.updated', { id: 8, name: 'order_update', status });
    });

    expect(await within(table).findByText('Approved')).toBeInTheDocument();
    expect(templateRequests(requests).length).toBe(before + 1);
    expect(await screen.findByText('order_update is now approved.')).toBeInTheDocument();
  });

  it('deletes a template after confirmation', async () => {
    let templates = [makeTemplate()];
    const { requests } = stubTemplates(() => templates, {
      'DELETE /api/v1/whatsapp/templates/8': () => {
        templates = [];
        return jsonResponse(null, { status: 204 });
      },
    });
    const { user } = renderWithProviders(<TemplatesPage me={makeMe('editor')} />, {
      route: '/templates',
    });

    await user.click(await screen.findByRole('button', { name: 'Delete order_update (en_US)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete order_update?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete template' }));

    expect(await screen.findByText('No templates yet')).toBeInTheDocument();
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('offers viewers no write actions', async () => {
    stubTemplates(() => [makeTemplate()]);
    renderWithProviders(<TemplatesPage me={makeMe('viewer')} />, { route: '/templates' });

    await screen.findByRole('table', { name: 'Templates' });
    expect(screen.queryByRole('link', { name: 'New template' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Sync/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Delete/ })).toBeNull();
  });

  it('asks for an account first when none is connected', async () => {
    const { requests } = stubTemplates(() => [], {}, []);
    renderWithProviders(<TemplatesPage me={makeMe('owner')} />, { route: '/templates' });

    expect(await screen.findByText('Connect a WhatsApp account first')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to WhatsApp settings' })).toHaveAttribute(
      'href',
      '/settings/whatsapp',
    );
    expect(requests.some((request) => request.path === '/api/v1/whatsapp/accounts')).toBe(true);
  });
});
