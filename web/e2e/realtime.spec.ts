import { expect, type Page, test } from '@playwright/test';
import {
  createUserThroughApi,
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await logInThroughForm(page, email, password);
  await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
}

/** The header's list of who is online, as its button names them. */
function onlineButton(page: Page) {
  return page.getByRole('banner').getByRole('button', { name: /^Online now:/ });
}

async function expectOnline(page: Page, names: RegExp[]) {
  for (const name of names) await expect(onlineButton(page)).toHaveAccessibleName(name);
}

/** Names listed in the online popover. */
async function onlineMemberNames(page: Page): Promise<string[]> {
  await onlineButton(page).click();
  const list = page.getByRole('list', { name: 'Online members' });
  await expect(list).toBeVisible();
  const names = await list.getByRole('listitem').allInnerTexts();
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();
  return names;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('members see each other online and receive test events live', async ({ browser, request }) => {
  const suffix = uniqueSuffix();
  const member = {
    email: `e2e-realtime-${suffix}@example.com`,
    name: `E2E Realtime ${suffix}`,
    password: 'a long enough password',
    role: 'editor',
  };
  const message = `ping ${suffix}`;

  // Two separate browser contexts: two people, each with their own cookies.
  const ownerContext = await browser.newContext();
  const memberContext = await browser.newContext();
  try {
    const ownerPage = await ownerContext.newPage();
    const memberPage = await memberContext.newPage();
    let ownerName = '';

    await test.step('the owner logs in and is connected', async () => {
      await logIn(ownerPage, ownerEmail, ownerPassword);
      const me = (await (await ownerPage.request.get('/api/v1/me')).json()) as {
        user: { name: string };
      };
      ownerName = me.user.name;
      await expect(ownerPage.getByRole('status', { name: 'Realtime: connected' })).toBeVisible();
      await expectOnline(ownerPage, [new RegExp(`${escapeRegExp(ownerName)} \\(you\\)`)]);
    });

    await test.step('a second member logs in elsewhere; each sees the other', async () => {
      await createUserThroughApi(request, member);
      await logIn(memberPage, member.email, member.password);
      await expect(memberPage.getByRole('status', { name: 'Realtime: connected' })).toBeVisible();
      await expectOnline(memberPage, [
        new RegExp(`${escapeRegExp(member.name)} \\(you\\)`),
        new RegExp(escapeRegExp(ownerName)),
      ]);
      await expectOnline(ownerPage, [new RegExp(escapeRegExp(member.name))]);
      await onlineButton(ownerPage).click();
      await expect(ownerPage.getByRole('list', { name: 'Online members' })).toContainText(
        member.name,
      );
      await saveScreenshot(ownerPage, 'online-indicator');
      await ownerPage.keyboard.press('Escape');
    });

    await test.step('a second tab of the owner counts once', async () => {
      const secondTab = await ownerContext.newPage();
      await secondTab.goto('/settings/profile');
      await expect(secondTab.getByRole('status', { name: 'Realtime: connected' })).toBeVisible();
      await expectOnline(secondTab, [new RegExp(escapeRegExp(member.name))]);
      const names = await onlineMemberNames(memberPage);
      expect(names.filter((name) => name.includes(ownerName))).toHaveLength(1);
      await secondTab.close();
    });

    await test.step('an editor sees the Realtime card without the send controls', async () => {
      const card = memberPage.getByRole('region', { name: 'Realtime' });
      await expect(card).toBeVisible();
      await expect(card.getByRole('button', { name: 'Send test event' })).toHaveCount(0);
    });

    await test.step('the owner sends a test event and the member is notified', async () => {
      const card = ownerPage.getByRole('region', { name: 'Realtime' });
      await card.getByLabel('Test message').fill(message);
      await card.getByRole('button', { name: 'Send test event' }).click();

      const expected = new RegExp(`Test event from ${escapeRegExp(ownerName)}: ${message}`);
      await expect(memberPage.getByText(expected)).toBeVisible();
      await expect(
        memberPage.getByRole('list', { name: 'Received events' }).getByRole('listitem').first(),
      ).toContainText(message);
      await expect(ownerPage.getByText(expected)).toBeVisible();
      await saveScreenshot(ownerPage, 'dashboard-realtime');
      // The notification sits over the header's account menu (and pauses while hovered).
      await memberPage.getByRole('button', { name: 'Dismiss notification' }).click();
      await expect(memberPage.getByText(expected)).toBeHidden();
    });

    await test.step('the member logs out and leaves the owner’s online list', async () => {
      await memberPage.getByRole('button', { name: `Account menu of ${member.name}` }).click();
      await memberPage.getByRole('menuitem', { name: 'Log out' }).click();
      await expect(memberPage).toHaveURL(/\/login$/);
      await expect(onlineButton(ownerPage)).not.toHaveAccessibleName(
        new RegExp(escapeRegExp(member.name)),
      );
      await expectOnline(ownerPage, [new RegExp(`${escapeRegExp(ownerName)} \\(you\\)`)]);
    });
  } finally {
    await memberContext.close();
    await ownerContext.close();
  }
});

test('the app keeps working when the realtime hub cannot be reached', async ({ page }) => {
  // Every WebSocket to the hub is refused; the REST API still answers.
  await page.routeWebSocket(/\/app\//, (ws) => ws.close({ code: 1006, reason: 'unreachable' }));
  await logIn(page, ownerEmail, ownerPassword);

  await expect(page.getByRole('status', { name: 'Realtime: unavailable' })).toBeVisible({
    timeout: 30_000,
  });
  const card = page.getByRole('region', { name: 'Realtime' });
  await expect(card.getByText('Unavailable', { exact: true })).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'System' }).getByText('Ready', { exact: true }),
  ).toBeVisible();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
});
