import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import {
  logInThroughForm,
  ownerEmail,
  ownerPassword,
  saveScreenshot,
  uniqueSuffix,
} from './support';

const importRows = 3000;

/**
 * A CSV of `importRows` contacts with Indonesian numbers written without `+` (read in the
 * workspace's default region), some with an invalid number and some with a tier that is not
 * one of the field's choices; `bad` says how many rows must fail.
 */
function generateCsv(suffix: string): { csv: string; bad: number } {
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const tiers = ['bronze', 'silver', 'gold'];
  const lines = ['Phone,Name,City,Tier'];
  let bad = 0;
  for (let row = 0; row < importRows; row += 1) {
    let phone = `0812${String(base + row).padStart(8, '0')}`;
    let tier = tiers[row % tiers.length]!;
    if (row % 150 === 7) {
      phone = 'not a number';
      bad += 1;
    } else if (row % 150 === 11) {
      tier = 'platinum';
      bad += 1;
    }
    lines.push(`${phone},Imported ${suffix} ${row},City ${row % 40},${tier}`);
  }
  return { csv: `${lines.join('\n')}\n`, bad };
}

function count(value: number): string {
  return new Intl.NumberFormat('en-US').format(value);
}

async function downloadText(page: Page, click: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return readFile(path, 'utf8');
}

test('contacts: fields, a contact, filters, inline edits, a CSV import and an export', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const suffix = uniqueSuffix();
  const tierLabel = `Tier ${suffix}`;
  const cityLabel = `City ${suffix}`;
  const person = `E2E Person ${suffix}`;
  const personPhone = `+62 812 9${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const importTag = `import-${suffix}`;
  const { csv, bad } = generateCsv(suffix);

  await test.step('log in and read numbers as Indonesian by default', async () => {
    await page.goto('/login');
    await logInThroughForm(page, ownerEmail, ownerPassword);
    await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
    await page.goto('/settings/workspace');
    const region = page.getByRole('textbox', { name: 'Default phone region' });
    await region.click();
    await region.fill('Indonesia');
    await page.getByRole('option', { name: /Indonesia/ }).click();
    const save = page.getByRole('button', { name: 'Save contact settings' });
    if (await save.isEnabled()) {
      await save.click();
      await expect(page.getByText('Contact settings saved.')).toBeVisible();
    }
  });

  await test.step('create a choice field', async () => {
    await page.getByRole('tab', { name: 'Contact fields' }).click();
    await page.getByRole('button', { name: 'New field' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New contact field' });
    await dialog.getByLabel('Label').fill(tierLabel);
    await dialog.getByLabel('Type').selectOption('choice');
    const choices = dialog.getByRole('textbox', { name: 'Choices' });
    for (const choice of ['bronze', 'silver', 'gold']) {
      await choices.fill(choice);
      await choices.press('Enter');
    }
    await dialog.getByRole('button', { name: 'Create field' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('cell', { name: tierLabel, exact: true })).toBeVisible();
    await saveScreenshot(page, 'settings-contact-fields');
  });

  await test.step('create a contact', async () => {
    await page.getByRole('link', { name: 'Contacts' }).click();
    await expect(page.getByRole('heading', { name: 'Contacts', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('Phone number').fill(personPhone);
    await dialog.getByLabel('Name').fill(person);
    const tags = dialog.getByRole('textbox', { name: 'Tags' });
    await tags.fill(`e2e-${suffix}`);
    await tags.press('Enter');
    await dialog.getByLabel('Consent').selectOption('opted_in');
    await dialog.getByRole('textbox', { name: tierLabel }).click();
    await page.getByRole('option', { name: 'gold' }).click();
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`${person} is now a contact.`)).toBeVisible();
  });

  await test.step('find it with the search box and open it', async () => {
    await page.keyboard.press('/');
    await expect(page.getByRole('textbox', { name: 'Search contacts' })).toBeFocused();
    await page.keyboard.type(person);
    await expect(page.getByText('1 contact', { exact: true })).toBeVisible();
    await expect(page).toHaveURL(/q=E2E/);
    const row = page.getByRole('row', { name: new RegExp(person) });
    await expect(row).toContainText('Opted in');
    await saveScreenshot(page, 'contacts-filtered');
    await row.click();
    await expect(page.getByRole('heading', { name: person })).toBeVisible();
  });

  await test.step('edit a field and the tags in place', async () => {
    await page.getByRole('textbox', { name: tierLabel }).click();
    await page.getByRole('option', { name: 'silver' }).click();
    const tags = page.getByRole('textbox', { name: 'Tags' });
    await tags.fill(`vip-${suffix}`);
    await tags.press('Enter');
    await page.getByRole('button', { name: 'Opt out' }).click();
    await expect(page.getByRole('button', { name: 'Opt in' })).toBeVisible();
    await expect(page.getByText(`vip-${suffix}`)).toBeVisible();
    await page.waitForLoadState('networkidle');

    await page.reload();
    await expect(page.getByRole('textbox', { name: tierLabel })).toHaveValue('silver');
    await expect(page.getByText(`vip-${suffix}`)).toBeVisible();
    await expect(page.getByRole('list', { name: 'Consent history' })).toContainText('Opted out');
    await saveScreenshot(page, 'contact');
  });

  let errorReport = '';
  await test.step('import a CSV through the wizard, with a new field and bad rows', async () => {
    await page.goto('/contacts');
    await page.getByRole('link', { name: 'Import CSV' }).first().click();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: `leads-${suffix}.csv`,
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await expect(page.getByText(`leads-${suffix}.csv`)).toBeVisible();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();

    await expect(page.getByRole('heading', { name: 'Map the columns' })).toBeVisible();
    await expect(page).toHaveURL(/\/contacts\/import\/\d+$/);
    await expect(page.getByLabel('Map column “Phone”')).toHaveValue('phone');
    await page.getByLabel('Map column “Name”').selectOption('name');
    await page.getByLabel('Map column “Tier”').selectOption({ label: tierLabel });
    await page.getByLabel('Map column “City”').selectOption('new_field');
    const dialog = page.getByRole('dialog', { name: 'New field for “City”' });
    await dialog.getByLabel('Field name').fill(cityLabel);
    await dialog.getByRole('button', { name: 'Use this field' }).click();
    await expect(dialog).toBeHidden();
    const tags = page.getByRole('textbox', { name: 'Tag every imported contact' });
    await tags.fill(importTag);
    await tags.press('Enter');
    await page.getByLabel('Consent of imported contacts').selectOption('opted_in');
    await saveScreenshot(page, 'import-mapping');
    await page.getByRole('button', { name: 'Start import' }).click();

    await expect(page.getByText(`Imported ${count(importRows)} rows`)).toBeVisible({
      timeout: 120_000,
    });
    await expect(page.getByRole('group', { name: 'Failed' })).toContainText(String(bad));
    await saveScreenshot(page, 'import-finished');
    errorReport = await downloadText(page, () =>
      page.getByRole('link', { name: 'Download error report' }).click(),
    );
  });

  await test.step('the error report names each failed row', () => {
    const lines = errorReport.trim().split('\n');
    expect(lines[0]).toBe('line,reason,row');
    expect(lines).toHaveLength(bad + 1);
    expect(errorReport).toContain('not a number');
    expect(errorReport).toContain('platinum');
  });

  await test.step('see the imported contacts, filtered by the import tag', async () => {
    await page.getByRole('link', { name: 'View imported contacts' }).click();
    await expect(page).toHaveURL(new RegExp(`/contacts\\?tag=${importTag}`));
    await expect(page.getByText(`${count(importRows - bad)} contacts`)).toBeVisible();
    await page.getByRole('button', { name: 'Columns' }).click();
    // The URL changes first and the checkbox follows, so it is clicked rather than `check`ed.
    await page.getByRole('checkbox', { name: cityLabel }).click();
    await expect(page.getByRole('checkbox', { name: cityLabel })).toBeChecked();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('columnheader', { name: cityLabel })).toBeVisible();
    await saveScreenshot(page, 'contacts-imported');
  });

  await test.step('export them', async () => {
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog', { name: `Export ${count(importRows - bad)} contacts` });
    const download = dialog.getByRole('link', { name: 'Download CSV' });
    await expect(download).toBeVisible({ timeout: 60_000 });
    const exported = await downloadText(page, () => download.click());
    const lines = exported.trim().split('\n');
    expect(lines).toHaveLength(importRows - bad + 1);
    expect(lines[0]).toContain('phone');
    expect(exported).toContain(`Imported ${suffix} 0`);
  });
});
