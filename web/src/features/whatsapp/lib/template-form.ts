import { isApiError } from '@/lib/api-client';
import type { CreateTemplateInput } from '../api/create-template';
import type {
  ParameterFormat,
  TemplateButton,
  TemplateCategory,
  TemplateComponent,
} from '../api/get-templates';
import { checkVariables, placeholdersIn, variablesIn } from './template-text';

// The "New template" form: its values, the checks it runs before sending (the Cloud API's
// limits, reference §1.5), the exact body it sends, and where the server's reasons belong.

/** Meta's limits for a template; the server and Meta apply the same. */
export const templateLimits = {
  name: 512,
  headerText: 60,
  body: 1024,
  footer: 60,
  buttons: 10,
  buttonText: 25,
  url: 2000,
  copyCode: 15,
  phoneNumber: 20,
} as const;

/** How many buttons of one kind a template may have, besides the total. */
export const buttonKindLimits: Record<ButtonKind, number> = {
  QUICK_REPLY: templateLimits.buttons,
  URL: 2,
  PHONE_NUMBER: 1,
  COPY_CODE: 1,
};

export type HeaderFormat = 'NONE' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
export type ButtonKind = 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE';

export interface ButtonDraft {
  /** Identifies the row while buttons are added and removed. */
  key: string;
  type: ButtonKind;
  /** The label (not used by copy-code buttons, whose label Meta fixes). */
  text: string;
  url: string;
  /** The value of the URL's `{{1}}` in Meta's review example. */
  url_example: string;
  phone_number: string;
  /** The sample coupon code of a copy-code button. */
  code: string;
}

export interface TemplateFormValues {
  account_id: string;
  name: string;
  language: string;
  category: TemplateCategory;
  parameter_format: ParameterFormat;
  header_format: HeaderFormat;
  header_text: string;
  /** A public sample of the image, video or document Meta reviews the template with. */
  header_media_url: string;
  body: string;
  footer: string;
  buttons: ButtonDraft[];
  /** Example value of each header variable, by variable name (`1`, `first_name`). */
  header_examples: Record<string, string>;
  body_examples: Record<string, string>;
}

export function emptyTemplateForm(accountId: string): TemplateFormValues {
  return {
    account_id: accountId,
    name: '',
    language: 'en_US',
    category: 'MARKETING',
    parameter_format: 'positional',
    header_format: 'NONE',
    header_text: '',
    header_media_url: '',
    body: '',
    footer: '',
    buttons: [],
    header_examples: {},
    body_examples: {},
  };
}

let buttonKeySequence = 0;

export function newButton(type: ButtonKind): ButtonDraft {
  buttonKeySequence += 1;
  return {
    key: `button-${buttonKeySequence}`,
    type,
    text: '',
    url: '',
    url_example: '',
    phone_number: '',
    code: '',
  };
}

/** Keeps a name to what Meta accepts while it is typed: "Order Update!" → "order_update". */
export function normalizeTemplateName(typed: string): string {
  return typed
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace(/[^a-z0-9_]/g, '')
    .slice(0, templateLimits.name);
}

/** The header text, when the header is text; variables elsewhere are not the header's. */
export function headerVariables(values: TemplateFormValues): string[] {
  return values.header_format === 'TEXT' ? variablesIn(values.header_text) : [];
}

export function bodyVariables(values: TemplateFormValues): string[] {
  return variablesIn(values.body);
}

function urlHasVariable(url: string): boolean {
  return placeholdersIn(url).length > 0;
}

function checkLength(value: string, limit: number, what: string): string | null {
  return value.length > limit
    ? `${what} is ${value.length} characters; the limit is ${limit}`
    : null;
}

const looksLikeUrl = /^https?:\/\/[^\s/$.?#][^\s]*$/i;
const looksLikePhone = /^\+?[0-9][0-9 ()-]{5,}$/;

export type TemplateFormErrors = Record<string, string>;

/**
 * Every rule the form can check before sending, keyed by form path (`name`, `body`,
 * `buttons.0.text`, `body_examples.1`). Empty when the template may be submitted.
 */
export function validateTemplateForm(values: TemplateFormValues): TemplateFormErrors {
  const errors: TemplateFormErrors = {};
  const set = (path: string, message: string | null) => {
    if (message !== null && errors[path] === undefined) errors[path] = message;
  };
  const format = values.parameter_format;

  if (values.account_id === '') set('account_id', 'Choose the account that owns the template');
  if (values.name === '') set('name', 'Enter a name, e.g. order_update');
  else if (!/^[a-z0-9_]+$/.test(values.name)) {
    set('name', 'Use lowercase letters, digits and _ only');
  } else set('name', checkLength(values.name, templateLimits.name, 'The name'));
  if (values.language === '') set('language', 'Choose a language');

  if (values.header_format === 'TEXT') {
    const text = values.header_text;
    if (text.trim() === '') set('header_text', 'Enter the header text, or choose no header');
    else {
      set('header_text', checkLength(text, templateLimits.headerText, 'The header'));
      set('header_text', checkVariables(text, format, 1));
    }
  } else if (values.header_format !== 'NONE') {
    const url = values.header_media_url.trim();
    if (url === '') {
      set('header_media_url', 'Meta reviews the template with a sample: enter its URL');
    } else if (!looksLikeUrl.test(url)) {
      set('header_media_url', 'Enter a full URL starting with https://');
    }
  }

  if (values.body.trim() === '') set('body', 'Enter the message text');
  else {
    set('body', checkLength(values.body, templateLimits.body, 'The body'));
    set('body', checkVariables(values.body, format));
  }

  if (values.footer !== '') {
    set('footer', checkLength(values.footer, templateLimits.footer, 'The footer'));
    if (values.footer.includes('{{')) set('footer', 'A footer cannot hold variables');
  }

  // Examples are checked only for variables that are themselves valid; a broken variable
  // already has its own message.
  if (errors.header_text === undefined) {
    for (const name of headerVariables(values)) {
      if ((values.header_examples[name] ?? '').trim() === '') {
        set(`header_examples.${name}`, `Enter an example for {{${name}}}`);
      }
    }
  }
  if (errors.body === undefined) {
    for (const name of bodyVariables(values)) {
      if ((values.body_examples[name] ?? '').trim() === '') {
        set(`body_examples.${name}`, `Enter an example for {{${name}}}`);
      }
    }
  }

  if (values.buttons.length > templateLimits.buttons) {
    set('buttons', `Use at most ${templateLimits.buttons} buttons`);
  }
  values.buttons.forEach((button, index) => {
    const path = `buttons.${index}`;
    if (button.type !== 'COPY_CODE') {
      if (button.text.trim() === '') set(`${path}.text`, 'Enter the button label');
      else set(`${path}.text`, checkLength(button.text, templateLimits.buttonText, 'The label'));
    }
    if (button.type === 'URL') {
      const url = button.url.trim();
      const found = placeholdersIn(url);
      if (url === '') set(`${path}.url`, 'Enter the address the button opens');
      else if (!looksLikeUrl.test(url.replace(/\{\{[^{}]*\}\}/g, 'x'))) {
        set(`${path}.url`, 'Enter a full URL starting with https://');
      } else if (found.length > 1 || (found.length === 1 && found[0] !== '1')) {
        set(`${path}.url`, 'A URL may hold one variable, {{1}}');
      } else if (found.length === 1 && !url.endsWith('{{1}}')) {
        set(`${path}.url`, 'Put the variable {{1}} at the end of the URL');
      } else set(`${path}.url`, checkLength(url, templateLimits.url, 'The URL'));
      if (urlHasVariable(url) && button.url_example.trim() === '') {
        set(`${path}.url_example`, 'Enter an example for {{1}}');
      }
    }
    if (button.type === 'PHONE_NUMBER') {
      const phone = button.phone_number.trim();
      if (!looksLikePhone.test(phone)) {
        set(`${path}.phone_number`, 'Enter the number with its country code, e.g. +1 555 0100');
      } else {
        set(
          `${path}.phone_number`,
          checkLength(phone, templateLimits.phoneNumber, 'The phone number'),
        );
      }
    }
    if (button.type === 'COPY_CODE') {
      const code = button.code.trim();
      if (code === '') set(`${path}.code`, 'Enter a sample code');
      else set(`${path}.code`, checkLength(code, templateLimits.copyCode, 'The code'));
    }
  });
  return errors;
}

function positionalExamples(names: string[], examples: Record<string, string>): string[] {
  return [...names]
    .sort((a, b) => Number(a) - Number(b))
    .map((name) => (examples[name] ?? '').trim());
}

function namedExamples(names: string[], examples: Record<string, string>) {
  return names.map((name) => ({ param_name: name, example: (examples[name] ?? '').trim() }));
}

function headerComponent(values: TemplateFormValues): TemplateComponent | null {
  if (values.header_format === 'NONE') return null;
  if (values.header_format !== 'TEXT') {
    return {
      type: 'HEADER',
      format: values.header_format,
      example: { header_handle: [values.header_media_url.trim()] },
    };
  }
  const component: TemplateComponent = {
    type: 'HEADER',
    format: 'TEXT',
    text: values.header_text,
  };
  const names = headerVariables(values);
  if (names.length > 0) {
    component.example =
      values.parameter_format === 'named'
        ? { header_text_named_params: namedExamples(names, values.header_examples) }
        : { header_text: positionalExamples(names, values.header_examples) };
  }
  return component;
}

function bodyComponent(values: TemplateFormValues): TemplateComponent {
  const component: TemplateComponent = { type: 'BODY', text: values.body };
  const names = bodyVariables(values);
  if (names.length > 0) {
    component.example =
      values.parameter_format === 'named'
        ? { body_text_named_params: namedExamples(names, values.body_examples) }
        : { body_text: [positionalExamples(names, values.body_examples)] };
  }
  return component;
}

function buttonPayload(button: ButtonDraft): TemplateButton {
  switch (button.type) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: button.text.trim() };
    case 'URL': {
      const url = button.url.trim();
      const payload: TemplateButton = { type: 'URL', text: button.text.trim(), url };
      if (urlHasVariable(url)) payload.example = [url.replace('{{1}}', button.url_example.trim())];
      return payload;
    }
    case 'PHONE_NUMBER':
      return {
        type: 'PHONE_NUMBER',
        text: button.text.trim(),
        phone_number: button.phone_number.trim().replace(/[\s()-]/g, ''),
      };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: button.code.trim() };
  }
}

/** The components of the template, in Meta's order and spelling. */
export function templateComponents(values: TemplateFormValues): TemplateComponent[] {
  const components: TemplateComponent[] = [];
  const header = headerComponent(values);
  if (header) components.push(header);
  components.push(bodyComponent(values));
  if (values.footer.trim() !== '') components.push({ type: 'FOOTER', text: values.footer });
  if (values.buttons.length > 0) {
    components.push({ type: 'BUTTONS', buttons: values.buttons.map(buttonPayload) });
  }
  return components;
}

/** The body of POST /api/v1/whatsapp/templates for valid `values`. */
export function createTemplateBody(values: TemplateFormValues): CreateTemplateInput {
  return {
    account_id: Number(values.account_id),
    name: values.name,
    language: values.language,
    category: values.category,
    parameter_format: values.parameter_format,
    components: templateComponents(values),
  };
}

const topLevelFields: Record<string, string> = {
  account_id: 'account_id',
  name: 'name',
  language: 'language',
  category: 'category',
  parameter_format: 'parameter_format',
};

/**
 * The form path a server reason belongs under. The server names fields as sent
 * (`name`, `components[1].text`, `components.3.buttons[0].url`, …); a component is found by its
 * index in `sent`, and failing that by the kind its key names. Null: it belongs to no field.
 */
export function formPathForServerField(
  key: string,
  sent: TemplateComponent[],
  values: TemplateFormValues,
): string | null {
  const top = topLevelFields[key.split(/[.[]/)[0] ?? ''];
  if (top) return top;
  const indexed = /^components(?:\[(\d+)\]|\.(\d+))(.*)$/.exec(key);
  let kind: string | null = null;
  let rest = key;
  if (indexed) {
    kind = sent[Number(indexed[1] ?? indexed[2])]?.type ?? null;
    rest = indexed[3] ?? '';
  } else {
    const named = /(header|body|footer|button)/i.exec(key);
    if (named) kind = named[1]!.toUpperCase();
  }
  switch (kind) {
    case 'HEADER':
      return values.header_format === 'TEXT' ? 'header_text' : 'header_media_url';
    case 'BODY':
      return 'body';
    case 'FOOTER':
      return 'footer';
    case 'BUTTONS':
    case 'BUTTON': {
      const button = /buttons?(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?/.exec(rest);
      if (!button) return 'buttons';
      const index = button[1] ?? button[2];
      const field = button[3];
      const draft = values.buttons[Number(index)];
      if (!draft) return 'buttons';
      if (field === 'url' || field === 'phone_number' || field === 'text') {
        return `buttons.${index}.${field}`;
      }
      if (field === 'example')
        return `buttons.${index}.${draft.type === 'URL' ? 'url_example' : 'code'}`;
      return `buttons.${index}.${draft.type === 'COPY_CODE' ? 'code' : 'text'}`;
    }
    default:
      return null;
  }
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/**
 * Splits a failed create into reasons under the form's fields and one message for the rest:
 * `validation_failed` details go to their fields, a name clash (409) under the name, and Meta's
 * own refusal (502) above the buttons in Meta's words.
 */
export function placeServerErrors(
  error: unknown,
  sent: TemplateComponent[],
  values: TemplateFormValues,
): { fieldErrors: TemplateFormErrors; formError: string | null } {
  if (!isApiError(error)) return { fieldErrors: {}, formError: 'Something went wrong. Try again.' };
  const fieldErrors: TemplateFormErrors = {};
  const unplaced: string[] = [];
  for (const [key, reason] of Object.entries(error.details)) {
    const path = formPathForServerField(key, sent, values);
    if (path !== null && fieldErrors[path] === undefined) fieldErrors[path] = capitalize(reason);
    else unplaced.push(`${key}: ${reason}`);
  }
  if (error.status === 502) {
    return { fieldErrors, formError: `Meta refused the template: ${error.message}` };
  }
  if (error.code === 'conflict' && fieldErrors.name === undefined) {
    fieldErrors.name = error.message;
    return { fieldErrors, formError: null };
  }
  const placedAny = Object.keys(fieldErrors).length > 0;
  if (placedAny)
    return { fieldErrors, formError: unplaced.length > 0 ? unplaced.join('; ') : null };
  return {
    fieldErrors,
    formError: unplaced.length > 0 ? `${error.message} (${unplaced.join('; ')})` : error.message,
  };
}
