import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Campaign } from '../api/get-campaign';
import { accounts, fields, makeDraft, makeEstimate, tags, templates } from '../test-fixtures';
import { CampaignEditorPage } from './campaign-editor-page';

const ana = {
  id: 12,
  phone: '+6281234567890',
  name: 'Ana',
  language: 'id',
  country: 'ID',
  timezone: 'Asia/Jakarta',
  fields: { city: 'Jakarta' },
};

function renderEditor({
  role = 'editor',
  campaignId = null,
  draft = makeDraft({ name: 'Black Friday' }),
  extra = {},
}: {
  role?: Role;
  campaignId?: number | null;
  draft?: Campaign;
  extra?: Parameters<typeof stubFetch>[0];
} = {}) {
  const server = { draft };
  const { requests } = stubFetch({
    'GET /api/v1/campaigns/9': () => jsonResponse(server.draft),
    'POST /api/v1/campaigns': (request) => {
      server.draft = { ...server.draft, ...(request.body as Partial<Campaign>) };
      return jsonResponse(server.draft, { status: 201 });
    },
    'PATCH /api/v1/campaigns/9': (request) => {
      server.draft = { ...server.draft, ...(request.body as Partial<Campaign>) };
      return jsonResponse(server.draft);
    },
    'POST /api/v1/campaigns/estimate': () => jsonResponse(makeEstimate()),
    'GET /api/v1/whatsapp/templates': () => jsonResponse({ data: templates }),
    'GET /api/v1/whatsapp/accounts': () => jsonResponse({ data: accounts }),
    'GET /api/v1/contact-fields': () => jsonResponse({ data: fields }),
    'GET /api/v1/tags': () => jsonResponse({ data: tags }),
    'GET /api/v1/contacts': () => jsonResponse({ data: [ana], next_cursor: null }),
    ...extra,
  });
  const view = renderWithProviders(
    <CampaignEditorPage me={makeMe(role)} campaignId={campaignId} />,
    {
      route: campaignId === null ? '/campaigns/new' : `/campaigns/${campaignId}/edit`,
      routes: [
        {
          path: '/campaigns/9/edit',
          element: <CampaignEditorPage me={makeMe(role)} campaignId={9} />,
        },
        { path: '/campaigns/9', element: <p>Campaign dashboard</p> },
      ],
    },
  );
  return { ...view, requests, server };
}

function requestsTo(requests: RecordedRequest[], method: string, path: string) {
  return requests.filter((request) => request.method === method && request.path === path);
}

async function openStep(user: UserEvent, name: RegExp) {
  const steps = await screen.findByRole('group', { name: 'Steps' });
  await user.click(within(steps).getByRole('button', { name }));
}

async function chooseOption(user: UserEvent, input: HTMLElement, option: string | RegExp) {
  await user.click(input);
  const listbox = document.getElementById(input.getAttribute('aria-controls') ?? '');
  await user.click(within(listbox!).getByRole('option', { name: option, hidden: true }));
}

describe('CampaignEditorPage', { timeout: 30_000 }, () => {
  it('maps template variables to fields, text and click tracking, and saves exactly that', async () => {
    const { user, requests, router } = renderEditor();
    await user.type(await screen.findByRole('textbox', { name: /Campaign name/ }), 'Black Friday');

    await openStep(user, /^Message/);
    const step = screen.getByRole('region', { name: 'Message' });
    await chooseOption(
      user,
      within(step).getByRole('textbox', { name: /^Template/ }),
      /^order_update \(en_US\)/,
    );
    expect(within(step).getByLabelText('Chosen template')).toHaveTextContent('approved');

    const header = within(step).getByRole('group', { name: 'Header {{1}}' });
    await user.type(within(header).getByRole('textbox', { name: /^Fallback/ }), 'friend');
    const body1 = within(step).getByRole('group', { name: 'Body {{1}}' });
    await user.type(within(body1).getByRole('textbox', { name: /^Fallback/ }), 'there');
    const body2 = within(step).getByRole('group', { name: 'Body {{2}}' });
    await user.selectOptions(within(body2).getByLabelText('Value from'), 'text');
    await user.type(within(body2).getByRole('textbox', { name: 'Text' }), '20%');
    const button = within(step).getByRole('group', { name: 'Button 1 (Track) link' });
    await user.click(within(button).getByRole('switch', { name: /Track clicks/ }));

    const preview = await screen.findByRole('figure', { name: 'Message preview' });
    await waitFor(() =>
      expect(preview).toHaveTextContent('Hi Ana, your order ships with 20% off.'),
    );
    expect(preview).toHaveTextContent('Order for Ana');

    await openStep(user, /^Senders and speed/);
    await user.click(screen.getByRole('checkbox', { name: 'Send from +1 555-000-0001' }));
    await user.click(screen.getByRole('button', { name: 'Save draft' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/campaigns/9/edit'));
    expect(requestsTo(requests, 'POST', '/api/v1/campaigns').map((r) => r.body)).toEqual([
      {
        name: 'Black Friday',
        audience: {
          filter: {},
          exclude_tags: [],
          contact_ids: [],
          frequency_cap_days: 0,
          include_unknown_consent: false,
        },
        senders: [5],
        schedule: { mode: 'now' },
        quiet_hours: null,
        speed_mps: 20,
        goal: null,
        message: {
          kind: 'template',
          template_id: 8,
          language: 'en_US',
          params: {
            'header.1': { field: 'name', fallback: 'friend' },
            'body.1': { field: 'name', fallback: 'there' },
            'body.2': { text: '20%' },
            'button.0': { click: true },
          },
        },
      },
    ]);
    // The saved draft opens where the editor was.
    expect(await screen.findByRole('region', { name: 'Senders and speed' })).toBeInTheDocument();
  });

  it('counts the audience after changes settle, with the exclusions', async () => {
    const { user, requests } = renderEditor();
    await user.type(await screen.findByRole('textbox', { name: /Campaign name/ }), 'Promo');
    await openStep(user, /^Audience/);
    const step = screen.getByRole('region', { name: 'Audience' });
    expect(
      await within(step).findByRole('status', { name: 'Audience estimate' }),
    ).toHaveTextContent('1,500 contacts would receive it now');
    const before = requestsTo(requests, 'POST', '/api/v1/campaigns/estimate').length;

    await user.click(within(step).getByRole('radio', { name: 'Contacts matching filters' }));
    await chooseOption(
      user,
      within(step).getByRole('textbox', { name: 'Has every one of these tags' }),
      'vip',
    );
    await chooseOption(
      user,
      within(step).getByRole('textbox', { name: 'Leave out contacts tagged' }),
      'churned',
    );
    const cap = within(step).getByRole('textbox', { name: /Frequency cap/ });
    await user.clear(cap);
    await user.type(cap, '7');

    const estimates = () => requestsTo(requests, 'POST', '/api/v1/campaigns/estimate');
    await waitFor(() =>
      expect(estimates().at(-1)?.body).toEqual({
        audience: {
          filter: { tag: ['vip'] },
          exclude_tags: ['churned'],
          contact_ids: [],
          frequency_cap_days: 7,
          include_unknown_consent: false,
        },
      }),
    );
    // Debounced: far fewer requests than changes (a radio, two tags, three keystrokes).
    expect(estimates().length - before).toBeLessThanOrEqual(3);
    const leftOut = within(step).getByRole('table', { name: 'Left out' });
    expect(leftOut).toHaveTextContent('Opted out20');
    expect(leftOut).toHaveTextContent('Excluded by tag5');
    expect(leftOut).toHaveTextContent('Messaged recently (frequency cap)3');
  });

  it('writes free-form text with a field and fallback, and warns about the 24-hour window', async () => {
    const { user, requests } = renderEditor({ campaignId: 9 });
    await openStep(user, /^Message/);
    const step = screen.getByRole('region', { name: 'Message' });
    await user.click(within(step).getByRole('radio', { name: 'Free-form text' }));
    expect(
      within(step).getByText(/reach only contacts who wrote to you in the last 24 hours/),
    ).toBeInTheDocument();
    await user.type(within(step).getByRole('textbox', { name: /^Message/ }), 'Hi ');
    const insert = within(step).getByRole('group', { name: 'Insert a contact field' });
    await user.type(within(insert).getByRole('textbox', { name: 'Fallback' }), 'there');
    await user.click(within(insert).getByRole('button', { name: 'Insert {{name|there}}' }));
    expect(within(step).getByRole('textbox', { name: /^Message/ })).toHaveValue(
      'Hi {{name|there}}',
    );
    await waitFor(() =>
      expect(screen.getByRole('figure', { name: 'Message preview' })).toHaveTextContent('Hi Ana'),
    );
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await waitFor(() =>
      expect(requestsTo(requests, 'PATCH', '/api/v1/campaigns/9')).toHaveLength(1),
    );
    expect(requestsTo(requests, 'PATCH', '/api/v1/campaigns/9')[0]?.body).toMatchObject({
      message: { kind: 'text', text: 'Hi {{name|there}}', preview_url: false },
    });
    // The estimate counts closed windows for a text message.
    await waitFor(() =>
      expect(requestsTo(requests, 'POST', '/api/v1/campaigns/estimate').at(-1)?.body).toMatchObject(
        {
          message: { kind: 'text' },
        },
      ),
    );
  });

  it('confirms a launch with its summary and shows refused fields at their steps', async () => {
    const { user, requests } = renderEditor({
      campaignId: 9,
      draft: makeDraft({
        name: 'Black Friday',
        senders: [5, 6],
        speed_mps: 50,
        message: { kind: 'template', template_id: 11, language: 'en_US', params: {} },
      }),
      extra: {
        'POST /api/v1/campaigns/9/launch': () =>
          errorResponse(400, 'validation_failed', 'The campaign cannot be launched.', {
            senders: 'the account of +1 555-000-0002 is paused',
            'message.template_id': 'the template is PAUSED, not APPROVED',
          }),
      },
    });
    await screen.findByRole('textbox', { name: /Campaign name/ });
    await user.click(screen.getByRole('button', { name: 'Launch…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Launch Black Friday?' });
    const summary = within(dialog).getByRole('list', { name: 'Launch summary' });
    await waitFor(() => expect(summary).toHaveTextContent('Audience: about 1,500 contacts'));
    expect(summary).toHaveTextContent('From +1 555-000-0001, +1 555-000-0002');
    expect(summary).toHaveTextContent('Speed: 50/s');
    expect(summary).toHaveTextContent('Estimated duration: 30 s');
    expect(summary).toHaveTextContent('When: As soon as it is launched');
    expect(requestsTo(requests, 'PATCH', '/api/v1/campaigns/9')).toHaveLength(1);
    expect(requestsTo(requests, 'POST', '/api/v1/campaigns/9/launch')).toHaveLength(0);

    await user.click(within(dialog).getByRole('button', { name: 'Launch campaign' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // The first step with a problem opens, the reason under its field.
    const message = await screen.findByRole('region', { name: 'Message' });
    expect(within(message).getByText('the template is PAUSED, not APPROVED')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /Senders and speed, needs attention/ }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Name$/ })).toBeInTheDocument();
    await openStep(user, /^Senders and speed/);
    expect(screen.getByText('the account of +1 555-000-0002 is paused')).toBeInTheDocument();
  });

  it('launches after the confirmation and opens the dashboard', async () => {
    const { user, requests, router } = renderEditor({
      campaignId: 9,
      draft: makeDraft({
        name: 'Black Friday',
        senders: [5],
        message: { kind: 'template', template_id: 11, language: 'en_US', params: {} },
      }),
      extra: {
        'POST /api/v1/campaigns/9/launch': () =>
          jsonResponse(makeDraft({ name: 'Black Friday', state: 'running' })),
      },
    });
    await screen.findByRole('textbox', { name: /Campaign name/ });
    await user.click(screen.getByRole('button', { name: 'Launch…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Launch Black Friday?' });
    await user.click(within(dialog).getByRole('button', { name: 'Launch campaign' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/campaigns/9'));
    expect(requestsTo(requests, 'POST', '/api/v1/campaigns/9/launch')).toHaveLength(1);
  });

  it('asks for a name before saving anything', async () => {
    const { user, requests } = renderEditor();
    await openStep(user, /^Goal/);
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(await screen.findByText('Give the campaign a name')).toBeInTheDocument();
    expect(requestsTo(requests, 'POST', '/api/v1/campaigns')).toHaveLength(0);
  });

  it('tells viewers they cannot edit campaigns', async () => {
    renderEditor({ role: 'viewer' });
    expect(
      await screen.findByText('Editors, admins and owners create and change campaigns.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save draft' })).toBeNull();
  });
});
