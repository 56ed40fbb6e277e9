import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} for the browser tests`);
  return value;
}

export const kirimUrl = requiredEnv('KIRIM_URL').replace(/\/$/, '');
export const ownerEmail = requiredEnv('KIRIM_ADMIN_EMAIL');
export const ownerPassword = requiredEnv('KIRIM_ADMIN_PASSWORD');

/** A suffix that keeps names unique across runs against the same server. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** Screenshots a person can look at after the run; e2e/artifacts is git-ignored. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  await page.screenshot({ path: `${artifactsDir}${name}.png`, fullPage: true });
}

export async function logInThroughForm(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Creates a user through the REST API as the owner, for tests that need someone to exist but
 * are not about creating them.
 */
export async function createUserThroughApi(
  request: APIRequestContext,
  user: { email: string; name: string; password: string; role: string },
): Promise<void> {
  const login = await request.post(`${kirimUrl}/api/v1/auth/login`, {
    data: { email: ownerEmail, password: ownerPassword },
  });
  expect(login.status(), await login.text()).toBe(200);
  const { csrf_token: csrfToken } = (await login.json()) as { csrf_token: string };
  const created = await request.post(`${kirimUrl}/api/v1/users`, {
    data: user,
    headers: { 'X-CSRF-Token': csrfToken },
  });
  expect(created.status(), await created.text()).toBe(201);
}
