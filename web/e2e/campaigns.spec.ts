import { expect, type APIRequestContext, type Page, test } from '@playwright/test';
import {
  kirimUrl,
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

// A campaign from start to end against a running server and the Cloud API sandbox the e2e
// script starts (`KIRIM_SANDBOX_URL`), whose status webhooks move the counters: contacts made
// through the API, the campaign made and launched in the editor, watched live, paused (nothing
// more is sent), resumed, sped up and stopped, its final counters checked against its
// recipients; then an emergency stop from the list.
const sandboxUrl = process.env.KIRIM_SANDBOX_URL?.replace(/\/$/, '');
const sandboxToken = process.env.KIRIM_SANDBOX_TOKEN ?? 'sandbox-token';
const sandboxWabaId = process.env.KIRIM_SANDBOX_WABA_ID ?? '100000000000001';
const sandboxAppSecret = process.env.KIRIM_SANDBOX_APP_SECRET ?? 'sandbox-secret';

/** Enough recipients that a slow campaign is still sending while it is paused and resumed. */
const contactCount = 80;
const startSpeed = 2;
/** Still slow enough that the campaign is running when it is stopped. */
const fasterSpeed = 4;

interface Counters {
  planned: number;
  queued: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  unknown: number;
  skipped: number;
  cancelled: number;
}

interface CampaignAnswer {
  id: number;
  name: string;
  state: string;
  speed_mps: number;
  counters: Counters;
}

interface Recipient {
  id: number;
  state: string;
}

interface Api {
  get: <T>(path: string) => Promise<T>;
  post: <T>(path: string, data?: unknown) => Promise<T>;
  /** A DELETE whose failure does not fail the test (cleanup). */
  remove: (path: string) => Promise<void>;
}

async function ownerApi(request: APIRequestContext): Promise<Api> {
  const login = await request.post(`${kirimUrl}/api/v1/auth/login`, {
    data: { email: ownerEmail, password: ownerPassword },
  });
  expect(login.status(), await login.text()).toBe(200);
  const { csrf_token: csrfToken } = (await login.json()) as { csrf_token: string };
  const headers = { 'X-CSRF-Token': csrfToken };
  return {
    get: async <T>(path: string) => {
      const answer = await request.get(`${kirimUrl}${path}`);
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return (await answer.json()) as T;
    },
    post: async <T>(path: string, data?: unknown) => {
      const answer = await request.post(`${kirimUrl}${path}`, { data: data ?? {}, headers });
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return (await answer.json()) as T;
    },
    remove: async (path: string) => {
      await request.delete(`${kirimUrl}${path}`, { headers });
    },
  };
}

/** The Graph API URL to connect with: the sandbox accepts any version prefix. */
function graphUrl(base: string): string {
  return /\/v\d+\.\d+$/.test(base) ? base : `${base}/v23.0`;
}

/** Connects the sandbox's WABA afresh (an earlier run may have left it connected). */
async function connectSandbox(api: Api, name: string) {
  const accounts = await api.get<{ data: { id: number; waba_id: string }[] }>(
    '/api/v1/whatsapp/accounts',
  );
  for (const account of accounts.data.filter((item) => item.waba_id === sandboxWabaId)) {
    await api.remove(`/api/v1/whatsapp/accounts/${account.id}`);
  }
  const account = await api.post<{
    id: number;
    phone_numbers: { id: number; display_number: string; throughput_mps: number }[];
  }>('/api/v1/whatsapp/accounts', {
    name,
    waba_id: sandboxWabaId,
    access_token: sandboxToken,
    app_secret: sandboxAppSecret,
    graph_url: graphUrl(sandboxUrl!),
  });
  expect(account.phone_numbers.length).toBeGreaterThan(0);
  await api.post(`/api/v1/whatsapp/accounts/${account.id}/templates/sync`);
  const templates = await api.get<{ data: { id: number; name: string; status: string }[] }>(
    `/api/v1/whatsapp/templates?account_id=${account.id}&status=APPROVED`,
  );
  const template =
    templates.data.find((item) => item.name === 'hello_world') ??
    templates.data.find((item) => item.name === 'order_update');
  expect(template, 'the sandbox has hello_world or order_update').toBeDefined();
  return { account, template: template! };
}

async function createContacts(api: Api, tag: string, count: number) {
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  for (let index = 0; index < count; index += 1) {
    await api.post('/api/v1/contacts', {
      phone: `+62813${String(base + index).padStart(8, '0')}`,
      name: `Campaign ${tag} ${index}`,
      tags: [tag],
      consent: 'opted_in',
    });
  }
}

async function campaign(api: Api, id: number) {
  return api.get<CampaignAnswer>(`/api/v1/campaigns/${id}`);
}

/** Every recipient of a campaign, page by page. */
async function allRecipients(api: Api, id: number): Promise<Recipient[]> {
  const found: Recipient[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: { data: Recipient[]; next_cursor: string | null } = await api.get(
      `/api/v1/campaigns/${id}/recipients?limit=200${query}`,
    );
    found.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return found;
}

/** The number a dashboard counter shows. */
async function shownCounter(page: Page, name: string): Promise<number> {
  const text = await page.getByTestId(`counter-${name}`).textContent();
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

test.describe('Campaigns with the sandbox', () => {
  test.skip(!sandboxUrl, 'Set KIRIM_SANDBOX_URL to a running `kirim sandbox`.');

  test('create, launch, watch, pause, resume, speed up and stop a campaign; emergency stop', async ({
    page,
    request,
  }) => {
    test.setTimeout(240_000);
    const suffix = uniqueSuffix();
    const tag = `camp-${suffix}`;
    const name = `E2E campaign ${suffix}`;
    const api = await ownerApi(request);
    const { account, template } = await connectSandbox(api, `E2E campaigns ${suffix}`);
    const sender = account.phone_numbers[0]!;
    let campaignId = 0;

    try {
      await test.step('create contacts through the API', async () => {
        await createContacts(api, tag, contactCount);
      });

      await test.step('log in and open Campaigns from the navigation', async () => {
        await page.goto('/login');
        await logInThroughForm(page, ownerEmail, ownerPassword);
        await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
        await page.getByRole('link', { name: 'Campaigns' }).click();
        await expect(page.getByRole('heading', { name: 'Campaigns', exact: true })).toBeVisible();
      });

      await test.step('create the campaign in the editor', async () => {
        await page.getByRole('link', { name: 'New campaign' }).first().click();
        await expect(page.getByRole('heading', { name: 'New campaign' })).toBeVisible();
        const steps = page.getByRole('group', { name: 'Steps' });
        await page.getByRole('textbox', { name: /Campaign name/ }).fill(name);

        await steps.getByRole('button', { name: /^Audience/ }).click();
        const audience = page.getByRole('region', { name: 'Audience' });
        await audience.getByRole('radio', { name: 'Contacts matching filters' }).check();
        const tags = audience.getByRole('textbox', { name: 'Has every one of these tags' });
        await tags.click();
        await tags.fill(tag);
        await page.getByRole('option', { name: tag, exact: true }).click();
        await expect(audience.getByRole('status', { name: 'Audience estimate' })).toContainText(
          `${contactCount} contacts would receive it now`,
        );

        await steps.getByRole('button', { name: /^Message/ }).click();
        const message = page.getByRole('region', { name: 'Message' });
        await message.getByRole('textbox', { name: /^Template/ }).click();
        await page
          .getByRole('option', { name: new RegExp(`^${template.name} \\(`) })
          .first()
          .click();
        await expect(message.getByLabel('Chosen template')).toContainText('approved');
        await expect(page.getByRole('figure', { name: 'Message preview' })).toBeVisible();

        await steps.getByRole('button', { name: /^Senders and speed/ }).click();
        await page.getByRole('checkbox', { name: `Send from ${sender.display_number}` }).check();
        const speed = page.getByRole('textbox', { name: 'Messages per second' });
        await speed.fill(String(startSpeed));
        await speed.blur();
        await saveScreenshot(page, 'campaign-editor');

        await page.getByRole('button', { name: 'Launch…' }).click();
        await expect(page).toHaveURL(/\/campaigns\/\d+\/edit$/);
        const dialog = page.getByRole('dialog', { name: `Launch ${name}?` });
        const summary = dialog.getByRole('list', { name: 'Launch summary' });
        await expect(summary).toContainText(`about ${contactCount} contacts`);
        await expect(summary).toContainText(sender.display_number);
        await expect(summary).toContainText(`Speed: ${startSpeed}/s`);
        await dialog.getByRole('button', { name: 'Launch campaign' }).click();
        await expect(page).toHaveURL(/\/campaigns\/\d+$/);
        campaignId = Number(new URL(page.url()).pathname.split('/').at(-1));
      });

      const badge = page.getByRole('status', { name: 'Campaign state' });

      await test.step('watch the counters move live', async () => {
        await expect(page.getByRole('heading', { name })).toBeVisible();
        await expect(badge).toHaveText('Running');
        await expect(page.getByText('Live', { exact: true })).toBeVisible();
        await expect
          .poll(() => shownCounter(page, 'planned'), { timeout: 20_000 })
          .toBe(contactCount);
        const first = await shownCounter(page, 'sent');
        await expect
          .poll(() => shownCounter(page, 'sent'), { timeout: 20_000 })
          .toBeGreaterThan(first);
        await expect
          .poll(() => shownCounter(page, 'delivered'), { timeout: 30_000 })
          .toBeGreaterThan(0);
        await saveScreenshot(page, 'campaign-dashboard');
      });

      await test.step('pause: nothing more is sent', async () => {
        await page.getByRole('button', { name: 'Pause', exact: true }).click();
        await expect(badge).toHaveText('Paused');
        const paused = await campaign(api, campaignId);
        expect(paused.state).toBe('paused');
        expect(paused.counters.queued).toBeGreaterThan(0);
        // Three seconds at 2 messages a second would send about six more.
        await page.waitForTimeout(3000);
        const later = await campaign(api, campaignId);
        expect(later.counters.sent).toBe(paused.counters.sent);
        expect(later.counters.queued).toBe(paused.counters.queued);
      });

      await test.step('resume: sending goes on', async () => {
        const before = (await campaign(api, campaignId)).counters.sent;
        await page.getByRole('button', { name: 'Resume', exact: true }).click();
        await expect(badge).toHaveText('Running');
        await expect
          .poll(async () => (await campaign(api, campaignId)).counters.sent, { timeout: 20_000 })
          .toBeGreaterThan(before);
      });

      await test.step('change the speed', async () => {
        await page.getByRole('button', { name: `Speed: ${startSpeed}/s` }).click();
        const input = page.getByRole('textbox', { name: 'Speed in messages per second' });
        await input.fill(String(fasterSpeed));
        await page.getByRole('button', { name: 'Apply speed' }).click();
        await expect(page.getByRole('group', { name: 'Speed', exact: true })).toContainText(
          `${fasterSpeed}/s`,
        );
        await expect(page.getByRole('button', { name: `Speed: ${fasterSpeed}/s` })).toBeVisible();
        expect((await campaign(api, campaignId)).speed_mps).toBe(fasterSpeed);
        await expect(
          page
            .getByRole('list', { name: 'Timeline' })
            .getByRole('listitem', { name: 'Speed changed' }),
        ).toBeVisible();
      });

      await test.step('stop, and check the final counters against the recipients', async () => {
        await page.getByRole('button', { name: 'Stop', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: `Stop ${name}?` });
        await dialog.getByRole('button', { name: 'Stop campaign' }).click();
        await expect(badge).toHaveText('Stopped');

        // Statuses of messages already sent keep arriving for a moment; wait for them to settle.
        await expect
          .poll(
            async () => {
              const counters = (await campaign(api, campaignId)).counters;
              return counters.sending;
            },
            { timeout: 20_000 },
          )
          .toBe(0);
        const final = (await campaign(api, campaignId)).counters;
        const recipients = await allRecipients(api, campaignId);
        const count = (...states: string[]) =>
          recipients.filter((recipient) => states.includes(recipient.state)).length;
        expect(recipients).toHaveLength(contactCount);
        expect(final.planned).toBe(contactCount);
        expect(final.sent).toBe(count('accepted', 'sent', 'delivered', 'read'));
        expect(final.failed).toBe(count('failed'));
        expect(final.cancelled).toBe(count('cancelled'));
        expect(final.queued).toBe(count('pending'));
        expect(final.queued).toBe(0);
        expect(final.sent + final.failed + final.unknown + final.skipped + final.cancelled).toBe(
          contactCount,
        );
        await expect.poll(() => shownCounter(page, 'sent')).toBe(final.sent);
        await expect(
          page.getByRole('table', { name: 'Recipients' }).getByRole('row').nth(1),
        ).toBeVisible();
        await saveScreenshot(page, 'campaign-stopped');
      });

      await test.step('an emergency stop from the list stops a running campaign', async () => {
        const second = await api.post<CampaignAnswer>('/api/v1/campaigns', {
          name: `${name} (second)`,
          audience: { filter: { tag: [tag] } },
          message: { kind: 'template', template_id: template.id, language: 'en_US', params: {} },
          senders: [sender.id],
          speed_mps: 1,
        });
        await api.post(`/api/v1/campaigns/${second.id}/launch`);
        await page.goto('/campaigns');
        const row = page.getByRole('row', { name: `${name} (second)` });
        await expect(row).toContainText('Running');

        await page.getByRole('button', { name: 'Emergency stop' }).click();
        const dialog = page.getByRole('dialog', { name: 'Stop every campaign?' });
        await expect(dialog).toContainText(/This stops \d+ running campaigns? /);
        await dialog.getByLabel('Reason (optional)').fill('E2E emergency');
        await dialog.getByRole('button', { name: 'Stop all campaigns' }).click();
        await expect(dialog).toBeHidden();
        await expect(page.getByText(/^Stopped \d+ campaigns?\.$/)).toBeVisible();
        await expect(row).toContainText('Stopped');
        expect((await campaign(api, second.id)).state).toBe('stopped');
        const timeline = await api.get<{ data: { kind: string; detail: string }[] }>(
          `/api/v1/campaigns/${second.id}/timeline`,
        );
        expect(timeline.data.some((event) => event.kind === 'emergency_stopped')).toBe(true);
        await saveScreenshot(page, 'campaigns-list');
      });
    } finally {
      // Nothing of this run keeps sending; the account goes, as the other specs expect.
      await api.post('/api/v1/campaigns/emergency-stop', { reason: 'e2e cleanup' });
      await api.remove(`/api/v1/whatsapp/accounts/${account.id}`);
    }
  });
});
