import { expect, test } from '@playwright/test';
import {
  createUserThroughApi,
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  uniqueSuffix,
} from './support';

test('a wrong password shows the error and stays on the login page', async ({ page, request }) => {
  // A fresh user takes the failed attempt, so that reruns never lock the owner out
  // (5 failures per email within 15 minutes answer 429).
  const email = `e2e-login-${uniqueSuffix()}@example.com`;
  await createUserThroughApi(request, {
    email,
    name: 'E2E Login',
    password: 'the right password',
    role: 'viewer',
  });

  await page.goto('/login');
  await logInThroughForm(page, email, 'not the right password');

  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('not the right password');
});

test('a signed-out visit to settings goes through the login page and back', async ({ page }) => {
  await page.goto('/settings');

  await expect(page).toHaveURL(/\/login\?next=%2Fsettings$/);
  await logInThroughForm(page, ownerEmail, ownerPassword);

  await expect(page).toHaveURL(/\/settings\/profile$/);
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});
