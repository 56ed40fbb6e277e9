import { expect, type APIRequestContext, type Page, test } from '@playwright/test';
import { kirimUrl, logInThroughForm, ownerEmail, ownerPassword, saveScreenshot } from './support';

// The Operations page against a running server: the imports queue moving live while CSV imports
// run through the REST API, pausing and resuming it, a job's drawer, a schedule, and (with the
// Cloud API sandbox the e2e script starts) the sender numbers' rate limits.
const sandboxUrl = process.env.KIRIM_SANDBOX_URL?.replace(/\/$/, '');
const sandboxToken = process.env.KIRIM_SANDBOX_TOKEN ?? 'sandbox-token';
const sandboxWabaId = process.env.KIRIM_SANDBOX_WABA_ID ?? '100000000000001';

interface Api {
  post: (path: string, data?: unknown) => Promise<unknown>;
  get: (path: string) => Promise<unknown>;
  delete: (path: string) => Promise<void>;
}

/** The owner's session in `request`, with the CSRF header on writes. */
async function ownerApi(request: APIRequestContext): Promise<Api> {
  const login = await request.post(`${kirimUrl}/api/v1/auth/login`, {
    data: { email: ownerEmail, password: ownerPassword },
  });
  expect(login.status(), await login.text()).toBe(200);
  const { csrf_token: csrfToken } = (await login.json()) as { csrf_token: string };
  const headers = { 'X-CSRF-Token': csrfToken };
  return {
    post: async (path, data) => {
      const answer = await request.post(`${kirimUrl}${path}`, { data: data ?? {}, headers });
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return answer.json() as Promise<unknown>;
    },
    get: async (path) => {
      const answer = await request.get(`${kirimUrl}${path}`);
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return answer.json() as Promise<unknown>;
    },
    delete: async (path) => {
      const answer = await request.delete(`${kirimUrl}${path}`, { headers });
      expect(answer.status(), `${path}: ${await answer.text()}`).toBe(204);
    },
  };
}

/** Creates, uploads and starts an import of `rows` contacts (the calls of the import wizard). */
async function startImport(request: APIRequestContext, api: Api, rows: number): Promise<number> {
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const lines = ['Phone,Name'];
  for (let row = 0; row < rows; row += 1) {
    lines.push(`+62815${String(base + row).padStart(8, '0')},Queue ${base} ${row}`);
  }
  const csv = Buffer.from(`${lines.join('\n')}\n`);
  const created = (await api.post('/api/v1/imports', {
    filename: 'operations.csv',
    size_bytes: csv.length,
  })) as { id: number; max_chunk_bytes: number };
  expect(csv.length).toBeLessThanOrEqual(created.max_chunk_bytes);
  const login = await request.storageState();
  const csrf = login.cookies.find((cookie) => cookie.name === 'kirim_csrf')?.value ?? '';
  const uploaded = await request.put(`${kirimUrl}/api/v1/imports/${created.id}/data?offset=0`, {
    data: csv,
    headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrf },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(200);
  await api.post(`/api/v1/imports/${created.id}/start`, {
    mapping: [
      { column: 0, target: 'phone' },
      { column: 1, target: 'name' },
    ],
    dedupe: 'update',
  });
  return created.id;
}

async function importState(api: Api, id: number): Promise<string> {
  return ((await api.get(`/api/v1/imports/${id}`)) as { state: string }).state;
}

function queueCard(page: Page, name: string) {
  return page.getByRole('article', { name: `Queue ${name}` });
}

async function openSection(page: Page, name: string) {
  await page
    .getByRole('tablist', { name: 'Operations sections' })
    .getByRole('tab', { name })
    .click();
}

test('operations: queues move live, pause and resume, a job, a schedule, rate limits', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const api = await ownerApi(request);
  // Set inside a step; an object, so that the `finally` below sees the change.
  const made = { accountId: null as number | null };

  try {
    await test.step('log in and open Operations from the navigation', async () => {
      await page.goto('/login');
      await logInThroughForm(page, ownerEmail, ownerPassword);
      await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /Operations/ })
        .click();
      await expect(page.getByRole('heading', { name: 'Operations', level: 1 })).toBeVisible();
      await expect(queueCard(page, 'imports')).toBeVisible();
      await expect(queueCard(page, 'maintenance')).toBeVisible();
      await expect(page.getByText('Live', { exact: true })).toBeVisible();
      await expect(page.getByRole('table', { name: 'Job kinds' })).toContainText('contacts.import');
    });

    await test.step("an import moves the imports queue's totals live", async () => {
      // A reload would drop this mark.
      await page.evaluate(() => {
        (window as unknown as { operationsMark: boolean }).operationsMark = true;
      });
      const totals = queueCard(page, 'imports').getByRole('group', { name: 'Totals of imports' });
      const before = (await totals.textContent()) ?? '';
      const id = await startImport(request, api, 50);
      await expect(totals).not.toHaveText(before, { timeout: 30_000 });
      await expect.poll(() => importState(api, id), { timeout: 30_000 }).toBe('completed');
      await expect(
        queueCard(page, 'imports').getByRole('img', { name: /^Throughput of imports/ }),
      ).toBeVisible();
      expect(
        await page.evaluate(
          () => (window as unknown as { operationsMark?: boolean }).operationsMark,
        ),
      ).toBe(true);
      await saveScreenshot(page, 'operations-queues');
    });

    let pendingId = 0;
    await test.step('pause the imports queue: a new import stays pending', async () => {
      const card = queueCard(page, 'imports');
      await card.getByRole('button', { name: 'Pause imports' }).click();
      const dialog = page.getByRole('dialog', { name: 'Pause the imports queue?' });
      await dialog.getByRole('button', { name: 'Pause queue' }).click();
      await expect(dialog).toBeHidden();
      await expect(card.getByText('Paused', { exact: true })).toBeVisible();

      pendingId = await startImport(request, api, 20);
      await expect(card.getByRole('group', { name: 'Ready' })).toContainText('1');
      expect(await importState(api, pendingId)).toBe('queued');

      await openSection(page, 'Jobs');
      await page.getByLabel('Tag').fill(`contacts.import:${pendingId}`);
      const table = page.getByRole('table', { name: 'Jobs' });
      await expect(table.getByRole('row')).toHaveCount(2);
      await expect(table.getByRole('row').nth(1)).toContainText('Pending');
      expect(await importState(api, pendingId)).toBe('queued');
    });

    await test.step('resume it: the import completes, and the job row follows live', async () => {
      await openSection(page, 'Queues');
      const card = queueCard(page, 'imports');
      await card.getByRole('button', { name: 'Resume imports' }).click();
      await expect(card.getByRole('button', { name: 'Pause imports' })).toBeVisible();
      await expect.poll(() => importState(api, pendingId), { timeout: 30_000 }).toBe('completed');

      await openSection(page, 'Jobs');
      await page.getByLabel('Tag').fill(`contacts.import:${pendingId}`);
      const row = page.getByRole('table', { name: 'Jobs' }).getByRole('row').nth(1);
      await expect(row).toContainText('Succeeded', { timeout: 15_000 });
    });

    await test.step("open the job's drawer", async () => {
      await page
        .getByRole('table', { name: 'Jobs' })
        .getByRole('button', { name: /^Open job #\d+$/ })
        .first()
        .click();
      const drawer = page.getByRole('dialog', { name: /^Job #\d+$/ });
      await expect(drawer.getByRole('table', { name: 'Job details' })).toContainText('Succeeded');
      await expect(drawer.getByRole('table', { name: 'Job details' })).toContainText(
        'contacts.import',
      );
      await expect(drawer.getByRole('region', { name: 'Timeline' })).toContainText('Created');
      await expect(drawer.getByRole('region', { name: 'Timeline' })).toContainText('Succeeded');
      await expect(drawer.getByLabel('Payload as JSON')).toContainText(`"id": ${pendingId}`);
      await saveScreenshot(page, 'operations-job');
      await drawer.getByRole('button', { name: 'Close job details' }).click();
      await expect(drawer).toBeHidden();
    });

    await test.step('turn a schedule off and on, and run it now', async () => {
      await openSection(page, 'Schedules');
      const table = page.getByRole('table', { name: 'Schedules' });
      const row = table.getByRole('row', { name: /prune-old-records/ });
      const toggle = row.getByRole('switch', { name: 'Enable prune-old-records' });
      await expect(toggle).toBeChecked();
      // The switch is disabled while its change is saved: wait for the answer before each click.
      // The input is visually hidden under Mantine's track, and a notification may cover the
      // row: the click is dispatched to the input itself rather than to a screen position.
      await expect(toggle).toBeEnabled();
      await toggle.dispatchEvent('click');
      await expect(
        page.getByText('prune-old-records is off; it runs only when you run it now.'),
      ).toBeVisible();
      await expect(toggle).not.toBeChecked();
      await expect(row).toContainText('off');
      await expect(toggle).toBeEnabled();
      await toggle.dispatchEvent('click');
      await expect(page.getByText('prune-old-records is on again.')).toBeVisible();
      await expect(toggle).toBeChecked();

      await row.getByRole('button', { name: 'Run prune-old-records now' }).click();
      await expect(page.getByText('prune-old-records is queued')).toBeVisible();
      const lastJob = row.getByRole('link', { name: /^Job #\d+$/ });
      await expect(lastJob).toBeVisible();
      await saveScreenshot(page, 'operations-schedules');
      await lastJob.click();
      const drawer = page.getByRole('dialog', { name: /^Job #\d+$/ });
      await expect(drawer.getByRole('table', { name: 'Job details' })).toContainText(
        'maintenance.prune',
      );
      await drawer.getByRole('button', { name: 'Close job details' }).click();
    });

    await test.step('see the rate limits of the sender numbers', async () => {
      if (sandboxUrl) {
        const accounts = (await api.get('/api/v1/whatsapp/accounts')) as {
          data: { id: number; waba_id: string }[];
        };
        for (const account of accounts.data.filter((item) => item.waba_id === sandboxWabaId)) {
          await api.delete(`/api/v1/whatsapp/accounts/${account.id}`);
        }
        const account = (await api.post('/api/v1/whatsapp/accounts', {
          name: 'Operations sandbox',
          waba_id: sandboxWabaId,
          access_token: sandboxToken,
          graph_url: `${sandboxUrl}/v23.0`,
        })) as { id: number };
        made.accountId = account.id;
      }
      await openSection(page, 'Rate limits');
      const region = page.getByRole('region', { name: 'Rate limits' });
      if (sandboxUrl) {
        const table = region.getByRole('table', { name: 'Rate limits' });
        await expect(table).toBeVisible();
        expect(await table.getByRole('row').count()).toBeGreaterThan(1);
        await expect(table.getByRole('row').nth(1)).toContainText('Operations sandbox');
      } else {
        await expect(
          region
            .getByRole('table', { name: 'Rate limits' })
            .or(region.getByText('No sender numbers')),
        ).toBeVisible();
      }
      await saveScreenshot(page, 'operations-rate-limits');
    });
  } finally {
    // Leave the server as other specs expect it: the queue running, no extra account.
    await api.post('/api/v1/queues/imports/resume');
    if (made.accountId !== null) {
      await api.delete(`/api/v1/whatsapp/accounts/${made.accountId}`);
    }
  }
});
