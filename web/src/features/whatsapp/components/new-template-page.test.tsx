import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import { makeAccount, makeTemplate } from '../test-fixtures';
import { NewTemplatePage } from './new-template-page';

function stubCreate(
  answer: () => Response = () => jsonResponse(makeTemplate({ id: 42 }), { status: 201 }),
) {
  return stubFetch({
    'GET /api/v1/whatsapp/accounts': () =>
      jsonResponse({ data: [makeAccount(), makeAccount({ id: 3, name: 'Shop' })] }),
    'POST /api/v1/whatsapp/templates': answer,
  });
}

// These tests fill in the whole form, which takes jsdom a while.
const longFlowMs = 20_000;

function renderPage() {
  return renderWithProviders(<NewTemplatePage me={makeMe('editor')} />, {
    route: '/templates/new',
    routes: [{ path: '/templates', element: <p>Templates list</p> }],
  });
}

type User = ReturnType<typeof renderPage>['user'];

/** Pastes `text` into a field: one change instead of a keystroke per character. */
async function fill(user: User, element: HTMLElement, text: string) {
  await user.click(element);
  await user.paste(text);
}

describe('NewTemplatePage', () => {
  it('keeps the name to lowercase, digits and _ as it is typed', async () => {
    stubCreate();
    const { user } = renderPage();

    const name = await screen.findByRole('textbox', { name: /^Name/ });
    await user.type(name, 'Order Update 2!');
    expect(name).toHaveValue('order_update_2');
  });

  it(
    'creates a positional template: variables inserted at the cursor, examples required',
    async () => {
      const { requests } = stubCreate();
      const { user, router } = renderPage();

      await fill(user, await screen.findByRole('textbox', { name: /^Name/ }), 'order_update');
      await user.selectOptions(screen.getByLabelText('Account'), 'Shop');
      await user.selectOptions(screen.getByLabelText('Language'), 'id');
      await user.selectOptions(screen.getByLabelText('Category'), 'UTILITY');
      const body = screen.getByLabelText(/^Body/);
      await fill(user, body, 'Hi , your order ships.');
      (body as HTMLTextAreaElement).setSelectionRange(3, 3);
      await user.click(screen.getByRole('button', { name: 'Add variable {{1}}' }));
      expect(body).toHaveValue('Hi {{1}}, your order ships.');
      expect(screen.getByRole('button', { name: 'Add variable {{2}}' })).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Submit for review' }));
      expect(screen.getByLabelText(/^Example for \{\{1\}\}/)).toHaveAccessibleDescription(
        'Enter an example for {{1}}',
      );
      expect(
        within(screen.getByRole('form', { name: 'New template' })).getByRole('alert'),
      ).toHaveTextContent('Some fields need attention');
      expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);

      await fill(user, screen.getByLabelText(/^Example for \{\{1\}\}/), 'Ana');
      await user.click(screen.getByRole('button', { name: 'Add a URL button' }));
      await fill(user, screen.getByLabelText('Button 1 label'), 'Track');
      await fill(user, screen.getByLabelText('Button 1 URL'), 'https://example.com/t/{{1}}');
      await fill(user, await screen.findByLabelText('Button 1 example for {{1}}'), '1001');
      await user.click(screen.getByRole('button', { name: 'Add a quick reply button' }));
      await fill(user, screen.getByLabelText('Button 2 label'), 'Stop');
      await user.click(screen.getByRole('button', { name: 'Submit for review' }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/templates'));
      expect(router.state.location.search).toBe('?template=42');
      expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
        account_id: 3,
        name: 'order_update',
        language: 'id',
        category: 'UTILITY',
        parameter_format: 'positional',
        components: [
          {
            type: 'BODY',
            text: 'Hi {{1}}, your order ships.',
            example: { body_text: [['Ana']] },
          },
          {
            type: 'BUTTONS',
            buttons: [
              {
                type: 'URL',
                text: 'Track',
                url: 'https://example.com/t/{{1}}',
                example: ['https://example.com/t/1001'],
              },
              { type: 'QUICK_REPLY', text: 'Stop' },
            ],
          },
        ],
      });
    },
    longFlowMs,
  );

  it(
    'creates a named template with a text header',
    async () => {
      const { requests } = stubCreate();
      const { user, router } = renderPage();

      await fill(user, await screen.findByRole('textbox', { name: /^Name/ }), 'welcome');
      await user.click(screen.getByRole('radio', { name: 'Named' }));
      await user.click(screen.getByRole('radio', { name: 'Text' }));
      await fill(user, screen.getByLabelText(/^Header text/), 'Welcome {{first_name}}');
      const body = screen.getByLabelText(/^Body/);
      await fill(user, body, 'Your code is ');
      await fill(user, screen.getByLabelText('Variable name'), 'Promo Code');
      expect(screen.getByLabelText('Variable name')).toHaveValue('promo_code');
      await user.click(screen.getByRole('button', { name: 'Insert variable' }));
      expect(body).toHaveValue('Your code is {{promo_code}}');
      await fill(user, screen.getByLabelText(/^Header example for \{\{first_name\}\}/), 'Ana');
      await fill(user, screen.getByLabelText(/^Example for \{\{promo_code\}\}/), 'SPRING');
      await fill(user, screen.getByLabelText(/^Footer/), 'Kirim demo');
      await user.click(screen.getByRole('button', { name: 'Submit for review' }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/templates'));
      expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
        account_id: 2,
        name: 'welcome',
        language: 'en_US',
        category: 'MARKETING',
        parameter_format: 'named',
        components: [
          {
            type: 'HEADER',
            format: 'TEXT',
            text: 'Welcome {{first_name}}',
            example: { header_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] },
          },
          {
            type: 'BODY',
            text: 'Your code is {{promo_code}}',
            example: { body_text_named_params: [{ param_name: 'promo_code', example: 'SPRING' }] },
          },
          { type: 'FOOTER', text: 'Kirim demo' },
        ],
      });
    },
    longFlowMs,
  );

  it('refuses variables of the other style and over-long text before sending', async () => {
    const { requests } = stubCreate();
    const { user } = renderPage();

    await fill(user, await screen.findByRole('textbox', { name: /^Name/ }), 'mixed');
    await user.click(screen.getByRole('radio', { name: 'Named' }));
    await fill(user, screen.getByLabelText(/^Body/), 'Hi {{1}}');
    await fill(user, screen.getByLabelText(/^Footer/), 'f'.repeat(61));
    await user.click(screen.getByRole('button', { name: 'Submit for review' }));

    expect(screen.getByLabelText(/^Body/)).toHaveAccessibleDescription(
      /names its variables: use a name like \{\{first_name\}\} instead of \{\{1\}\}/,
    );
    expect(screen.getByLabelText(/^Footer/)).toHaveAccessibleDescription(
      /The footer is 61 characters; the limit is 60/,
    );
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('stops offering buttons at Meta’s limits', async () => {
    stubCreate();
    const { user } = renderPage();

    const addReply = await screen.findByRole('button', { name: 'Add a quick reply button' });
    await user.click(screen.getByRole('button', { name: 'Add a phone number button' }));
    expect(screen.getByRole('button', { name: 'Add a phone number button' })).toBeDisabled();
    for (let i = 0; i < 9; i += 1) await user.click(addReply);
    expect(screen.getAllByRole('group', { name: /^Button \d+$/ })).toHaveLength(10);
    expect(addReply).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add a URL button' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Remove button 1' }));
    expect(screen.getAllByRole('group', { name: /^Button \d+$/ })).toHaveLength(9);
    expect(addReply).toBeEnabled();
  });

  it("puts the server's reasons under their fields and Meta's refusal above the buttons", async () => {
    let answer = () =>
      errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
        name: 'already exists in en_US',
        'components[0].text': 'must not start with a variable',
      });
    stubCreate(() => answer());
    const { user } = renderPage();

    await fill(user, await screen.findByRole('textbox', { name: /^Name/ }), 'order_update');
    await fill(user, screen.getByLabelText(/^Body/), 'Hello there');
    await user.click(screen.getByRole('button', { name: 'Submit for review' }));

    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: /^Name/ })).toHaveAccessibleDescription(
        /Already exists in en_US/,
      ),
    );
    expect(screen.getByLabelText(/^Body/)).toHaveAccessibleDescription(
      /Must not start with a variable/,
    );

    answer = () => errorResponse(502, 'upstream_failed', '(#2388023) Template is being deleted');
    await user.click(screen.getByRole('button', { name: 'Submit for review' }));
    const form = screen.getByRole('form', { name: 'New template' });
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Meta refused the template: (#2388023) Template is being deleted',
    );
  });

  it('previews the template live as it is typed', async () => {
    stubCreate();
    const { user } = renderPage();

    const preview = await screen.findByRole('figure', { name: 'Preview' });
    expect(preview).toHaveTextContent('The message text appears here as you type it.');
    await user.click(screen.getByRole('radio', { name: 'Image' }));
    expect(within(preview).getByRole('img', { name: 'Image header' })).toBeInTheDocument();
    await fill(user, screen.getByLabelText(/^Body/), 'Hi {{1}}, _welcome_ to ~old~ *Kirim*');
    expect(within(preview).getByText('welcome').tagName).toBe('EM');
    expect(within(preview).getByText('old').tagName).toBe('S');
    expect(within(preview).getByText('Kirim').tagName).toBe('STRONG');
    expect(within(preview).getByText('{{1}}').tagName).toBe('MARK');

    await fill(user, screen.getByLabelText(/^Example for \{\{1\}\}/), 'Ana');
    await user.click(screen.getByLabelText('Show examples'));
    expect(within(preview).getByText('Ana').tagName).toBe('MARK');

    await user.click(screen.getByRole('button', { name: 'Add a copy code button' }));
    expect(within(preview).getByRole('list', { name: 'Buttons' })).toHaveTextContent(
      'Copy offer code',
    );
  });
});
