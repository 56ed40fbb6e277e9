import { expect, test } from '@playwright/test';
import {
  kirimUrl,
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

async function meWithToken(secret: string) {
  return fetch(`${kirimUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
}

test('the owner manages users and API tokens, then logs out', async ({ page }) => {
  const suffix = uniqueSuffix();
  const teammate = { email: `e2e-${suffix}@example.com`, name: `E2E Teammate ${suffix}` };
  const tokenName = `e2e token ${suffix}`;

  await test.step('log in as the owner', async () => {
    await page.goto('/login');
    await logInThroughForm(page, ownerEmail, ownerPassword);
    await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'System' }).getByText('Ready', { exact: true }),
    ).toBeVisible();
    await expect(page.getByRole('group', { name: 'Users' })).toContainText(/\d/);
    await saveScreenshot(page, 'dashboard');
  });

  await test.step('add a user and see them listed', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a user' });
    await dialog.getByLabel('Email').fill(teammate.email);
    await dialog.getByLabel('Name').fill(teammate.name);
    await dialog.getByLabel('Password', { exact: true }).fill('a long enough password');
    await dialog.getByLabel('Role').selectOption('editor');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(teammate.email) })).toBeVisible();
  });

  await test.step("change the user's role", async () => {
    await page.getByLabel(`Role of ${teammate.name}`).selectOption('viewer');
    await expect(page.getByText(`${teammate.name} is now viewer.`)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(`Role of ${teammate.name}`)).toHaveValue('viewer');
    await saveScreenshot(page, 'settings-users');
  });

  let secret = '';
  await test.step('create an API token and read its secret once', async () => {
    await page.getByRole('tab', { name: 'API tokens' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const createDialog = page.getByRole('dialog', { name: 'Create an API token' });
    await createDialog.getByLabel('Token name').fill(tokenName);
    await createDialog.getByRole('button', { name: 'Create token' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Copy your new API token' });
    await expect(secretDialog).toContainText('This is the only time you will see this token');
    secret = await secretDialog.getByLabel('Token secret').inputValue();
    expect(secret).toMatch(/^kirim_/);
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await expect(secretDialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(tokenName) })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
    await saveScreenshot(page, 'settings-tokens');
  });

  await test.step('the token authenticates REST calls as the owner', async () => {
    const response = await meWithToken(secret);
    expect(response.status).toBe(200);
    const me = (await response.json()) as { user: { email: string } };
    expect(me.user.email.toLowerCase()).toBe(ownerEmail.toLowerCase());
  });

  await test.step('a revoked token stops working at once', async () => {
    await page.getByRole('button', { name: `Revoke ${tokenName}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke “${tokenName}”?` });
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(tokenName) })).toHaveCount(0);
    expect((await meWithToken(secret)).status).toBe(401);
  });

  await test.step('remove the user again', async () => {
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByRole('button', { name: `Remove ${teammate.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${teammate.name}?` });
    await dialog.getByRole('button', { name: 'Remove user' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(teammate.email) })).toHaveCount(0);
  });

  await test.step('log out ends the session', async () => {
    await page.getByRole('button', { name: /^Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
    // The page's own cookies no longer open the API.
    const me = await page.request.get('/api/v1/me');
    expect(me.status()).toBe(401);
  });
});
