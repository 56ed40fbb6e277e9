import { expect, type APIRequestContext, type Page, test } from '@playwright/test';
import {
  kirimUrl,
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

// Drives the WhatsApp area against a running server and the Cloud API sandbox
// (`kirim sandbox --listen 127.0.0.1:0`), whose base URL the e2e script exports.
const sandboxUrl = process.env.KIRIM_SANDBOX_URL?.replace(/\/$/, '');
const sandboxToken = process.env.KIRIM_SANDBOX_TOKEN ?? 'sandbox-token';
const sandboxWabaId = process.env.KIRIM_SANDBOX_WABA_ID ?? '100000000000001';
// Signs the sandbox's webhooks; set on the account so that they pass Kirim's signature check.
const sandboxAppSecret = process.env.KIRIM_SANDBOX_APP_SECRET ?? 'sandbox-secret';

/** The Graph API URL to connect with: the sandbox accepts any version prefix. */
function graphUrl(base: string): string {
  return /\/v\d+\.\d+$/.test(base) ? base : `${base}/v23.0`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function ownerApi(request: APIRequestContext) {
  const login = await request.post(`${kirimUrl}/api/v1/auth/login`, {
    data: { email: ownerEmail, password: ownerPassword },
  });
  expect(login.status(), await login.text()).toBe(200);
  const { csrf_token: csrfToken } = (await login.json()) as { csrf_token: string };
  return { headers: { 'X-CSRF-Token': csrfToken } };
}

/** An earlier run may have left the sandbox's WABA connected; a WABA is connected once. */
async function forgetSandboxAccount(request: APIRequestContext) {
  const { headers } = await ownerApi(request);
  const list = await request.get(`${kirimUrl}/api/v1/whatsapp/accounts`);
  expect(list.status(), await list.text()).toBe(200);
  const { data } = (await list.json()) as { data: { id: number; waba_id: string }[] };
  for (const account of data.filter((item) => item.waba_id === sandboxWabaId)) {
    const removed = await request.delete(`${kirimUrl}/api/v1/whatsapp/accounts/${account.id}`, {
      headers,
    });
    expect(removed.status(), await removed.text()).toBe(204);
  }
}

function syncButton(page: Page, accountName: string) {
  // One account: "Sync from Meta"; several: "Sync <name> from Meta".
  return page.getByRole('button', {
    name: new RegExp(`^Sync (${escapeRegExp(accountName)} )?from Meta$`),
  });
}

test.describe('WhatsApp with the sandbox', () => {
  test.skip(!sandboxUrl, 'Set KIRIM_SANDBOX_URL to a running `kirim sandbox`.');

  test('connect an account, see its numbers, sync and create templates, read the webhook log', async ({
    page,
    request,
  }) => {
    const suffix = uniqueSuffix();
    const accountName = `E2E Sandbox ${suffix}`;
    const templateName = `e2e_${suffix}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    await forgetSandboxAccount(request);

    await test.step('log in and open Settings → WhatsApp', async () => {
      await page.goto('/login');
      await logInThroughForm(page, ownerEmail, ownerPassword);
      await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'WhatsApp' }).click();
      await expect(page).toHaveURL(/\/settings\/whatsapp$/);
      await expect(page.getByRole('region', { name: 'WhatsApp accounts' })).toBeVisible();
    });

    await test.step('connect the sandbox account', async () => {
      await page.getByRole('button', { name: 'Connect an account' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Connect a WhatsApp account' });
      await dialog.getByLabel('Name', { exact: true }).fill(accountName);
      await dialog.getByLabel('WABA ID').fill(sandboxWabaId);
      await dialog.getByLabel('Access token', { exact: true }).fill(sandboxToken);
      await dialog.getByLabel('App secret (optional)').fill(sandboxAppSecret);
      await dialog.getByRole('button', { name: 'Advanced' }).click();
      await dialog.getByLabel('Graph API URL (optional)').fill(graphUrl(sandboxUrl!));
      await dialog.getByRole('button', { name: 'Connect account' }).click();
      await expect(dialog).toBeHidden();
      // The token went to the server once and is shown nowhere.
      await expect(page.getByText(sandboxToken, { exact: true })).toHaveCount(0);
    });

    const card = page.getByRole('article', { name: accountName });
    await test.step("see the account's phone numbers", async () => {
      await expect(card).toBeVisible();
      await expect(card.getByRole('group', { name: `Secrets of ${accountName}` })).toContainText(
        /Access token: set\s*Replace access token\s*App secret: set/,
      );
      await expect(card.getByRole('alert')).toHaveCount(0);
      const numbers = card.getByRole('table', { name: `Phone numbers of ${accountName}` });
      await expect(numbers).toBeVisible();
      expect(await numbers.getByRole('row').count()).toBeGreaterThan(1);
      await expect(card.getByLabel('Webhook callback URL', { exact: true })).toHaveValue(
        new RegExp(`/webhooks/whatsapp/\\d+$`),
      );
      await card.getByRole('button', { name: 'Refresh from Meta' }).click();
      await expect(page.getByText(/phone numbers? refreshed from Meta/)).toBeVisible();
      await saveScreenshot(page, 'settings-whatsapp');
    });

    await test.step('sync the templates the sandbox has', async () => {
      await page.getByRole('link', { name: 'Templates' }).click();
      await expect(page.getByRole('heading', { name: 'Templates', exact: true })).toBeVisible();
      await syncButton(page, accountName).click();
      await expect(page.getByText(/^\d+ synced, \d+ removed$/)).toBeVisible();
    });

    await test.step('create a template and see it pending review', async () => {
      await page.getByRole('link', { name: 'New template' }).click();
      await expect(page.getByRole('heading', { name: 'New template' })).toBeVisible();
      const form = page.getByRole('form', { name: 'New template' });
      await form.getByLabel('Account', { exact: true }).selectOption({ label: accountName });
      await form.getByRole('textbox', { name: /^Name/ }).fill(templateName);
      await form.getByLabel('Language', { exact: true }).selectOption('en_US');
      await form.getByLabel('Category', { exact: true }).selectOption('UTILITY');
      await form.getByRole('textbox', { name: /^Body/ }).fill('Hi , your order ships today.');
      await form.getByRole('textbox', { name: /^Body/ }).press('Home');
      for (let i = 0; i < 3; i += 1) {
        await form.getByRole('textbox', { name: /^Body/ }).press('ArrowRight');
      }
      await form.getByRole('button', { name: 'Add variable {{1}}' }).click();
      await expect(form.getByRole('textbox', { name: /^Body/ })).toHaveValue(
        'Hi {{1}}, your order ships today.',
      );
      await form.getByLabel(/^Example for \{\{1\}\}/).fill('Ana');
      await form.getByRole('button', { name: 'Add a quick reply button' }).click();
      await form.getByLabel('Button 1 label').fill('Stop updates');
      const preview = form.getByRole('figure', { name: 'Preview' });
      await expect(preview).toContainText('Hi {{1}}, your order ships today.');
      await saveScreenshot(page, 'template-new');
      await form.getByRole('button', { name: 'Submit for review' }).click();

      await expect(page).toHaveURL(/\/templates\?template=\d+$/);
      const drawer = page.getByRole('dialog', { name: templateName });
      await expect(drawer).toBeVisible();
      await expect(drawer.getByRole('table', { name: 'Template details' })).toContainText(
        /Pending|Approved|Rejected/,
      );
      await expect(
        drawer.getByRole('figure', { name: `Preview of ${templateName}` }),
      ).toContainText('Stop updates');
      await saveScreenshot(page, 'template-drawer');
      await drawer.getByRole('button', { name: 'Close template details' }).click();
      await expect(page.getByRole('button', { name: templateName, exact: true })).toBeVisible();
    });

    await test.step('open the webhook log', async () => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('tab', { name: 'Webhook log' }).click();
      const log = page.getByRole('region', { name: 'Webhook log' });
      await expect(log).toBeVisible();
      await expect(log.getByLabel('Search the raw body')).toBeVisible();
      const table = log.getByRole('table', { name: 'Received webhooks' });
      await expect(table.or(log.getByText('No webhooks received yet'))).toBeVisible();
      if (await table.isVisible()) {
        await table
          .getByRole('button', { name: /^Open webhook #\d+/ })
          .first()
          .click();
        const drawer = page.getByRole('dialog', { name: /^Webhook #\d+$/ });
        await expect(drawer.getByLabel('Raw body')).toContainText('"object"');
        await drawer.getByRole('button', { name: 'Replay' }).click();
        await expect(drawer.getByText(/^Replayed: /)).toBeVisible();
        await drawer.getByRole('button', { name: 'Close webhook details' }).click();
      }
      await saveScreenshot(page, 'settings-webhooks');
    });

    await test.step('delete the template and the account again', async () => {
      await page.getByRole('link', { name: 'Templates' }).click();
      await page.getByRole('button', { name: `Delete ${templateName} (en_US)` }).click();
      const confirmTemplate = page.getByRole('dialog', { name: `Delete ${templateName}?` });
      await confirmTemplate.getByRole('button', { name: 'Delete template' }).click();
      await expect(confirmTemplate).toBeHidden();
      await expect(page.getByRole('button', { name: templateName, exact: true })).toHaveCount(0);

      await page.goto('/settings/whatsapp');
      await card.getByRole('button', { name: 'Delete' }).click();
      const confirmAccount = page.getByRole('dialog', { name: `Delete ${accountName}?` });
      await confirmAccount.getByRole('button', { name: 'Delete account' }).click();
      await expect(confirmAccount).toBeHidden();
      await expect(card).toHaveCount(0);
    });
  });
});
