import { defineConfig } from '@playwright/test';

// Browser tests drive the real server (the Makefile starts it and sets KIRIM_URL). Playwright's
// own browser download cannot work on these machines, so Debian's Chromium is used.
const kirimUrl = process.env.KIRIM_URL;
if (!kirimUrl) {
  throw new Error(
    'Set KIRIM_URL to a running Kirim server (e.g. http://127.0.0.1:18080), and ' +
      'KIRIM_ADMIN_EMAIL / KIRIM_ADMIN_PASSWORD to its owner login.',
  );
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // One server, one shared workspace: specs run one after another.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: kirimUrl,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
