import type { TemplateButton, TemplateComponent } from '../api/get-templates';
import type { ButtonDraft, TemplateFormValues } from './template-form';

// What the WhatsApp bubble shows, built from a stored template's components (Meta's shape,
// any case) or from the editor's values as they are typed.

export type PreviewHeader =
  { kind: 'text'; text: string } | { kind: 'media'; format: string; sampleUrl: string | null };

export interface PreviewButton {
  type: string;
  text: string;
  /** The URL, the phone number or the code, shown beside the label. */
  detail: string | null;
}

export interface TemplatePreviewModel {
  header: PreviewHeader | null;
  body: string;
  footer: string | null;
  buttons: PreviewButton[];
  /** Example values by variable name, to fill the variables in when asked. */
  headerExamples: Record<string, string>;
  bodyExamples: Record<string, string>;
}

/** Copy-code buttons have a label Meta sets. */
export const copyCodeLabel = 'Copy offer code';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads positional (`header_text`, `body_text`) and named (`*_named_params`) examples. */
function examplesOf(example: unknown, kind: 'header' | 'body'): Record<string, string> {
  if (!isRecord(example)) return {};
  const found: Record<string, string> = {};
  const named = example[`${kind}_text_named_params`];
  if (Array.isArray(named)) {
    for (const param of named) {
      if (!isRecord(param)) continue;
      const name = asString(param.param_name);
      const value = asString(param.example);
      if (name !== null && value !== null) found[name] = value;
    }
  }
  let positional = example[`${kind}_text`];
  // The body's examples are one list per sample message: take the first.
  if (kind === 'body' && Array.isArray(positional) && Array.isArray(positional[0])) {
    positional = positional[0];
  }
  if (Array.isArray(positional)) {
    positional.forEach((value, index) => {
      if (typeof value === 'string') found[String(index + 1)] = value;
    });
  }
  return found;
}

function buttonDetail(button: TemplateButton): string | null {
  const type = button.type.toUpperCase();
  if (type === 'URL') return button.url ?? null;
  if (type === 'PHONE_NUMBER') return button.phone_number ?? null;
  if (type === 'COPY_CODE') {
    return Array.isArray(button.example) ? (button.example[0] ?? null) : (button.example ?? null);
  }
  return null;
}

export function previewFromComponents(components: TemplateComponent[]): TemplatePreviewModel {
  const model: TemplatePreviewModel = {
    header: null,
    body: '',
    footer: null,
    buttons: [],
    headerExamples: {},
    bodyExamples: {},
  };
  for (const component of components) {
    const type = component.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (component.format ?? 'TEXT').toUpperCase();
      if (format === 'TEXT') {
        model.header = { kind: 'text', text: component.text ?? '' };
        model.headerExamples = examplesOf(component.example, 'header');
      } else {
        const handle = isRecord(component.example) ? component.example.header_handle : null;
        const sample = Array.isArray(handle) ? asString(handle[0]) : null;
        model.header = { kind: 'media', format, sampleUrl: sample };
      }
    } else if (type === 'BODY') {
      model.body = component.text ?? '';
      model.bodyExamples = examplesOf(component.example, 'body');
    } else if (type === 'FOOTER') {
      model.footer = component.text ?? null;
    } else if (type === 'BUTTONS') {
      model.buttons = (component.buttons ?? []).map((button) => ({
        type: button.type.toUpperCase(),
        text:
          button.type.toUpperCase() === 'COPY_CODE' ? copyCodeLabel : (button.text ?? button.type),
        detail: buttonDetail(button),
      }));
    }
  }
  return model;
}

function draftButton(button: ButtonDraft): PreviewButton {
  switch (button.type) {
    case 'QUICK_REPLY':
      return { type: button.type, text: button.text, detail: null };
    case 'URL':
      return { type: button.type, text: button.text, detail: button.url || null };
    case 'PHONE_NUMBER':
      return { type: button.type, text: button.text, detail: button.phone_number || null };
    case 'COPY_CODE':
      return { type: button.type, text: copyCodeLabel, detail: button.code || null };
  }
}

export function previewFromForm(values: TemplateFormValues): TemplatePreviewModel {
  let header: PreviewHeader | null = null;
  if (values.header_format === 'TEXT') header = { kind: 'text', text: values.header_text };
  else if (values.header_format !== 'NONE') {
    header = {
      kind: 'media',
      format: values.header_format,
      sampleUrl: values.header_media_url.trim() || null,
    };
  }
  return {
    header,
    body: values.body,
    footer: values.footer === '' ? null : values.footer,
    buttons: values.buttons.map(draftButton),
    headerExamples: values.header_examples,
    bodyExamples: values.body_examples,
  };
}
