import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import {
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1:0 that keeps every request and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

/** The check docs/api.md asks receivers to make. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const header = String(headers['x-kirim-signature'] ?? '');
  const parts: Record<string, string | undefined> = Object.fromEntries(
    header.split(',').map((p) => p.split('=', 2) as [string, string]),
  );
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

test('outgoing webhooks: add an endpoint, keep its secret, test it, read and redeliver', async ({
  page,
}) => {
  const receiver = await startReceiver();
  const path = `/kirim-${uniqueSuffix()}`;
  const url = `${receiver.url}${path}`;
  const toUs = () => receiver.received.filter((r) => r.path === path);
  try {
    await page.goto('/login');
    await logInThroughForm(page, ownerEmail, ownerPassword);
    await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
    await page.goto('/settings/outgoing-webhooks');
    await expect(page.getByRole('tab', { name: 'Outgoing webhooks' })).toHaveAttribute(
      'aria-selected',
      'true',
    );

    let secret = '';
    await test.step('add an endpoint for every event; its secret is shown once', async () => {
      await page.getByRole('button', { name: 'Add endpoint' }).first().click();
      const form = page.getByRole('dialog', { name: 'Add an endpoint' });
      await form.getByLabel('URL').fill(url);
      await form.getByLabel('Description').fill('Browser test receiver');
      await expect(form.getByRole('checkbox', { name: 'All events' })).toBeChecked();
      await form.getByRole('button', { name: 'Add endpoint' }).click();

      const shown = page.getByRole('dialog', { name: 'Endpoint added: copy its secret' });
      secret = await shown.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      expect(secret).toMatch(/^whsec_/);
      await saveScreenshot(page, 'outgoing-webhooks-secret');
      await shown.getByRole('button', { name: 'Done' }).click();
      await expect(shown).toBeHidden();
      await expect(page.getByText(secret)).toHaveCount(0);
    });

    const row = page.getByRole('row').filter({ hasText: url });
    await test.step('send a test event: the receiver gets a signed ping', async () => {
      await expect(row).toContainText('All events');
      await expect(row).toContainText('Not called yet');
      await row.getByRole('button', { name: `More for ${url}` }).click();
      await page.getByRole('menuitem', { name: 'Send test event' }).click();
      await expect.poll(() => toUs().length).toBe(1);
      const [ping] = toUs();
      expect(ping!.headers['x-kirim-event']).toBe('ping');
      expect(verify(secret, ping!.headers, ping!.body)).toBe(true);
    });

    await test.step('the delivery is listed; its drawer shows the payload and redelivers', async () => {
      const deliveries = page.getByRole('table', { name: 'Deliveries' });
      await expect(deliveries.getByRole('row').filter({ hasText: 'Delivered' })).toHaveCount(1, {
        timeout: 15_000,
      });
      await expect(deliveries).toContainText('ping');
      await expect(row).toContainText('200');
      await deliveries.getByRole('button', { name: /Open delivery #\d+/ }).click();
      const drawer = page.getByRole('dialog', { name: /Delivery #\d+/ });
      await expect(drawer.getByLabel('Payload')).toContainText('"event": "ping"');
      await expect(drawer.getByLabel('Response body')).toContainText('"ok": true');
      await saveScreenshot(page, 'outgoing-webhooks-delivery');
      await drawer.getByRole('button', { name: 'Redeliver' }).click();
      await expect(drawer.getByText('Queued again with the same id and body.')).toBeVisible();
      await expect.poll(() => toUs().length).toBe(2);
      const [first, again] = toUs();
      expect(again!.headers['x-kirim-delivery']).toBe(first!.headers['x-kirim-delivery']);
      expect(again!.body).toBe(first!.body);
      await drawer.getByRole('button', { name: 'Close delivery details' }).click();
    });

    await test.step('delete the endpoint after confirming', async () => {
      await row.getByRole('button', { name: `More for ${url}` }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete this endpoint?' });
      await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
      await expect(page.getByRole('row').filter({ hasText: url })).toHaveCount(0);
    });
  } finally {
    await new Promise((resolve) => receiver.server.close(resolve));
  }
});
