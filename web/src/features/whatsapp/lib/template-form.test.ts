import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api-client';
import {
  createTemplateBody,
  emptyTemplateForm,
  newButton,
  normalizeTemplateName,
  placeServerErrors,
  type TemplateFormValues,
  templateComponents,
  validateTemplateForm,
} from './template-form';
import { checkVariables, nextPositionalVariable, variablesIn } from './template-text';

function form(overrides: Partial<TemplateFormValues> = {}): TemplateFormValues {
  return {
    ...emptyTemplateForm('2'),
    name: 'order_update',
    body: 'Your order shipped.',
    ...overrides,
  };
}

describe('template names', () => {
  it('are kept to lowercase letters, digits and _ while typed', () => {
    expect(normalizeTemplateName('Order Update-2!')).toBe('order_update_2');
    expect(normalizeTemplateName('Ünïcode ok')).toBe('ncode_ok');
    expect(normalizeTemplateName('x'.repeat(600))).toHaveLength(512);
  });
});

describe('variables', () => {
  it('lists each variable once, in order of appearance', () => {
    expect(variablesIn('{{2}} {{1}} {{2}}')).toEqual(['2', '1']);
    expect(nextPositionalVariable('Hi {{1}}, {{3}}')).toBe('4');
    expect(nextPositionalVariable('no variables')).toBe('1');
  });

  it('must be numbered from 1 in order of appearance in a positional template', () => {
    expect(checkVariables('Hi {{1}}, see {{2}} and {{1}}', 'positional')).toBeNull();
    expect(checkVariables('Hi {{2}}', 'positional')).toMatch(/\{\{1\}\} comes next/);
    expect(checkVariables('{{2}} then {{1}}', 'positional')).toMatch(/in order/);
    expect(checkVariables('Hi {{name}}', 'positional')).toMatch(/numbers its variables/);
  });

  it('must be lowercase names in a named template, never numbers', () => {
    expect(checkVariables('Hi {{first_name}}, order {{order_id}}', 'named')).toBeNull();
    expect(checkVariables('Hi {{1}}', 'named')).toMatch(/names its variables/);
    expect(checkVariables('Hi {{FirstName}}', 'named')).toMatch(/lowercase letters, digits and _/);
  });

  it('refuses spaces inside braces and unclosed braces', () => {
    expect(checkVariables('Hi {{ 1 }}', 'positional')).toMatch(/without spaces/);
    expect(checkVariables('Hi {{1}', 'positional')).toMatch(/Close every variable/);
  });
});

describe('validateTemplateForm', () => {
  it('accepts a minimal template', () => {
    expect(validateTemplateForm(form())).toEqual({});
  });

  it('requires a name, a body and an account', () => {
    const errors = validateTemplateForm(form({ name: '', body: '  ', account_id: '' }));
    expect(Object.keys(errors).sort()).toEqual(['account_id', 'body', 'name']);
  });

  it('applies the Cloud API lengths: header 60, body 1024, footer 60', () => {
    const errors = validateTemplateForm(
      form({
        header_format: 'TEXT',
        header_text: 'h'.repeat(61),
        body: 'b'.repeat(1025),
        footer: 'f'.repeat(61),
      }),
    );
    expect(errors.header_text).toBe('The header is 61 characters; the limit is 60');
    expect(errors.body).toBe('The body is 1025 characters; the limit is 1024');
    expect(errors.footer).toBe('The footer is 61 characters; the limit is 60');
    expect(
      validateTemplateForm(
        form({
          header_format: 'TEXT',
          header_text: 'h'.repeat(60),
          body: 'b'.repeat(1024),
          footer: 'f'.repeat(60),
        }),
      ),
    ).toEqual({});
  });

  it('allows one header variable and no footer variables', () => {
    const errors = validateTemplateForm(
      form({ header_format: 'TEXT', header_text: '{{1}} and {{2}}', footer: 'Bye {{1}}' }),
    );
    expect(errors.header_text).toBe('Use at most one variable here');
    expect(errors.footer).toBe('A footer cannot hold variables');
  });

  it('requires an example for every variable', () => {
    const errors = validateTemplateForm(
      form({
        header_format: 'TEXT',
        header_text: 'Order {{1}}',
        body: 'Hi {{1}}, it arrives {{2}}',
        body_examples: { '1': 'Ana' },
      }),
    );
    expect(errors['header_examples.1']).toBe('Enter an example for {{1}}');
    expect(errors['body_examples.2']).toBe('Enter an example for {{2}}');
    expect(errors['body_examples.1']).toBeUndefined();
  });

  it('checks buttons: labels up to 25, URLs with one trailing {{1}}, codes up to 15', () => {
    const url = { ...newButton('URL'), text: 'Track', url: 'https://x.test/{{1}}/track' };
    const reply = { ...newButton('QUICK_REPLY'), text: 'r'.repeat(26) };
    const code = { ...newButton('COPY_CODE'), code: 'C'.repeat(16) };
    const phone = { ...newButton('PHONE_NUMBER'), text: 'Call', phone_number: 'call us' };
    const errors = validateTemplateForm(form({ buttons: [url, reply, code, phone] }));
    expect(errors['buttons.0.url']).toBe('Put the variable {{1}} at the end of the URL');
    expect(errors['buttons.0.url_example']).toBe('Enter an example for {{1}}');
    expect(errors['buttons.1.text']).toBe('The label is 26 characters; the limit is 25');
    expect(errors['buttons.2.code']).toBe('The code is 16 characters; the limit is 15');
    expect(errors['buttons.3.phone_number']).toMatch(/country code/);
  });

  it('allows at most 10 buttons', () => {
    const buttons = Array.from({ length: 11 }, () => ({
      ...newButton('QUICK_REPLY'),
      text: 'Yes',
    }));
    expect(validateTemplateForm(form({ buttons })).buttons).toBe('Use at most 10 buttons');
    expect(validateTemplateForm(form({ buttons: buttons.slice(0, 10) }))).toEqual({});
  });

  it('needs a sample URL for a media header', () => {
    expect(validateTemplateForm(form({ header_format: 'IMAGE' })).header_media_url).toMatch(
      /sample/,
    );
  });
});

describe('createTemplateBody', () => {
  it('sends a positional template in Meta’s shape, examples in variable order', () => {
    const values = form({
      language: 'id',
      category: 'UTILITY',
      header_format: 'TEXT',
      header_text: 'Order {{1}}',
      header_examples: { '1': '#1001' },
      body: 'Hi {{1}}, it arrives {{2}}.',
      body_examples: { '2': 'tomorrow', '1': 'Ana' },
      footer: 'Reply STOP to opt out',
      buttons: [
        {
          ...newButton('URL'),
          text: 'Track',
          url: 'https://x.test/t/{{1}}',
          url_example: '1001',
        },
        { ...newButton('PHONE_NUMBER'), text: 'Call us', phone_number: '+1 (555) 010-0' },
        { ...newButton('COPY_CODE'), code: 'SAVE10' },
        { ...newButton('QUICK_REPLY'), text: 'Stop' },
      ],
    });
    expect(createTemplateBody(values)).toEqual({
      account_id: 2,
      name: 'order_update',
      language: 'id',
      category: 'UTILITY',
      parameter_format: 'positional',
      components: [
        {
          type: 'HEADER',
          format: 'TEXT',
          text: 'Order {{1}}',
          example: { header_text: ['#1001'] },
        },
        {
          type: 'BODY',
          text: 'Hi {{1}}, it arrives {{2}}.',
          example: { body_text: [['Ana', 'tomorrow']] },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        {
          type: 'BUTTONS',
          buttons: [
            {
              type: 'URL',
              text: 'Track',
              url: 'https://x.test/t/{{1}}',
              example: ['https://x.test/t/1001'],
            },
            { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550100' },
            { type: 'COPY_CODE', example: 'SAVE10' },
            { type: 'QUICK_REPLY', text: 'Stop' },
          ],
        },
      ],
    });
  });

  it('sends a named template with named examples and parameter_format named', () => {
    const values = form({
      parameter_format: 'named',
      header_format: 'TEXT',
      header_text: 'Hello {{first_name}}',
      header_examples: { first_name: 'Ana' },
      body: 'Your order {{order_id}} ships to {{city}}.',
      body_examples: { order_id: 'A-17', city: 'Jakarta' },
    });
    const body = createTemplateBody(values);
    expect(body.parameter_format).toBe('named');
    expect(body.components).toEqual([
      {
        type: 'HEADER',
        format: 'TEXT',
        text: 'Hello {{first_name}}',
        example: { header_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] },
      },
      {
        type: 'BODY',
        text: 'Your order {{order_id}} ships to {{city}}.',
        example: {
          body_text_named_params: [
            { param_name: 'order_id', example: 'A-17' },
            { param_name: 'city', example: 'Jakarta' },
          ],
        },
      },
    ]);
  });

  it('sends a media header with its sample and no example for a plain body', () => {
    const components = templateComponents(
      form({ header_format: 'IMAGE', header_media_url: ' https://x.test/a.jpg ' }),
    );
    expect(components).toEqual([
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://x.test/a.jpg'] } },
      { type: 'BODY', text: 'Your order shipped.' },
    ]);
  });
});

describe('placeServerErrors', () => {
  const values = form({
    header_format: 'TEXT',
    header_text: 'Hi',
    footer: 'Bye',
    buttons: [{ ...newButton('URL'), text: 'Go', url: 'https://x.test' }],
  });
  const sent = templateComponents(values);

  it('puts reasons under the fields they name, by component index or kind', () => {
    const error = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'The request has invalid fields.',
      details: {
        name: 'is already used in this language',
        'components[1].text': 'must not end with a variable',
        'components[3].buttons[0].url': 'must be https',
        footer: 'too long',
      },
    });
    const placed = placeServerErrors(error, sent, values);
    expect(placed.fieldErrors).toEqual({
      name: 'Is already used in this language',
      body: 'Must not end with a variable',
      'buttons.0.url': 'Must be https',
      footer: 'Too long',
    });
    expect(placed.formError).toBeNull();
  });

  it("shows Meta's refusal (502) above the buttons in Meta's words", () => {
    const error = new ApiError({
      status: 502,
      code: 'unknown',
      message: '(#100) Invalid parameter',
    });
    expect(placeServerErrors(error, sent, values)).toEqual({
      fieldErrors: {},
      formError: 'Meta refused the template: (#100) Invalid parameter',
    });
  });

  it('keeps reasons it cannot place in the form message', () => {
    const error = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'The request has invalid fields.',
      details: { allow_category_change: 'unknown field' },
    });
    expect(placeServerErrors(error, sent, values).formError).toBe(
      'The request has invalid fields. (allow_category_change: unknown field)',
    );
  });
});
