import type { ParamSource } from '../api/get-campaign';
import type { SampleContact } from '../api/get-sample-contact';
import type { Template, TemplateButton } from '../api/get-templates';

// A template's variables as the campaign maps them (docs/api.md, "Campaigns"): `header.1`,
// `body.1`… or `body.NAME`, `button.INDEX` for a URL button's suffix or a coupon code, and
// `header.media` for the file of an image, video or document header.

export type SlotKind = 'text' | 'url' | 'copy_code' | 'media';

export interface VariableSlot {
  key: string;
  kind: SlotKind;
  /** "Body {{1}}", "Button 2 (Shop) link". */
  label: string;
  /** Meta's example value, when the template has one. */
  example: string | null;
  /** A URL button's URL with its variable; a media header's format. */
  detail: string | null;
}

export type ParamDraft =
  | { source: 'field'; field: string; fallback: string }
  | { source: 'text'; text: string }
  | { source: 'click' }
  | { source: 'link'; link: string };

/** The contact values a variable can take, besides custom fields. */
export const standardFields = [
  { key: 'name', label: 'Name' },
  { key: 'phone', label: 'Phone' },
  { key: 'language', label: 'Language' },
  { key: 'country', label: 'Country' },
  { key: 'timezone', label: 'Time zone' },
] as const;

const variablePattern = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Each variable of `text` once, in order of appearance. */
export function variablesOf(text: string | undefined): string[] {
  return [...new Set(Array.from((text ?? '').matchAll(variablePattern), (match) => match[1]!))];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function examplesOf(example: unknown, part: 'header' | 'body'): Record<string, string> {
  if (!isRecord(example)) return {};
  const found: Record<string, string> = {};
  const named = example[`${part}_text_named_params`];
  if (Array.isArray(named)) {
    for (const param of named) {
      if (isRecord(param) && typeof param.param_name === 'string') {
        found[param.param_name] = typeof param.example === 'string' ? param.example : '';
      }
    }
  }
  let positional = example[`${part}_text`];
  if (part === 'body' && Array.isArray(positional) && Array.isArray(positional[0])) {
    positional = positional[0];
  }
  if (Array.isArray(positional)) {
    positional.forEach((value, index) => {
      if (typeof value === 'string') found[String(index + 1)] = value;
    });
  }
  return found;
}

function buttonExample(button: TemplateButton): string | null {
  if (Array.isArray(button.example)) return button.example[0] ?? null;
  return button.example ?? null;
}

/** Every value the template needs, in the order it shows them. */
export function templateSlots(template: Template): VariableSlot[] {
  const slots: VariableSlot[] = [];
  for (const component of template.components) {
    const type = component.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (component.format ?? 'TEXT').toUpperCase();
      if (format === 'TEXT') {
        const examples = examplesOf(component.example, 'header');
        for (const name of variablesOf(component.text)) {
          slots.push({
            key: `header.${name}`,
            kind: 'text',
            label: `Header {{${name}}}`,
            example: examples[name] ?? null,
            detail: null,
          });
        }
      } else if (format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT') {
        slots.push({
          key: 'header.media',
          kind: 'media',
          label: `Header ${format.toLowerCase()}`,
          example: null,
          detail: format,
        });
      }
    } else if (type === 'BODY') {
      const examples = examplesOf(component.example, 'body');
      for (const name of variablesOf(component.text)) {
        slots.push({
          key: `body.${name}`,
          kind: 'text',
          label: `Body {{${name}}}`,
          example: examples[name] ?? null,
          detail: null,
        });
      }
    } else if (type === 'BUTTONS') {
      (component.buttons ?? []).forEach((button, index) => {
        const buttonType = button.type.toUpperCase();
        const title = `Button ${index + 1}${button.text ? ` (${button.text})` : ''}`;
        if (buttonType === 'URL' && variablesOf(button.url).length > 0) {
          slots.push({
            key: `button.${index}`,
            kind: 'url',
            label: `${title} link`,
            example: buttonExample(button),
            detail: button.url ?? null,
          });
        } else if (buttonType === 'COPY_CODE') {
          slots.push({
            key: `button.${index}`,
            kind: 'copy_code',
            label: `${title} code`,
            example: buttonExample(button),
            detail: null,
          });
        }
      });
    }
  }
  return slots;
}

export function defaultParam(slot: VariableSlot): ParamDraft {
  switch (slot.kind) {
    case 'media':
      return { source: 'link', link: '' };
    case 'url':
    case 'copy_code':
      return { source: 'text', text: '' };
    case 'text':
      return { source: 'field', field: 'name', fallback: '' };
  }
}

export function paramDraftFrom(source: ParamSource | undefined, slot: VariableSlot): ParamDraft {
  if (!source) return defaultParam(slot);
  if ('click' in source) return { source: 'click' };
  if ('link' in source) return { source: 'link', link: source.link };
  if ('field' in source)
    return { source: 'field', field: source.field, fallback: source.fallback ?? '' };
  return { source: 'text', text: source.text };
}

export function paramSource(draft: ParamDraft): ParamSource {
  switch (draft.source) {
    case 'field':
      return { field: draft.field, fallback: draft.fallback };
    case 'text':
      return { text: draft.text };
    case 'click':
      return { click: true };
    case 'link':
      return { link: draft.link };
  }
}

/** `params` of the message: one entry per variable of the template, nothing else. */
export function buildParams(
  slots: VariableSlot[],
  drafts: Record<string, ParamDraft>,
): Record<string, ParamSource> {
  const params: Record<string, ParamSource> = {};
  for (const slot of slots) params[slot.key] = paramSource(drafts[slot.key] ?? defaultParam(slot));
  return params;
}

/** A contact's value for a field key (standard or custom), as text; '' when it has none. */
export function contactValue(contact: SampleContact | null, key: string): string {
  if (!contact) return '';
  switch (key) {
    case 'name':
      return contact.name ?? '';
    case 'phone':
      return contact.phone;
    case 'language':
      return contact.language ?? '';
    case 'country':
      return contact.country ?? '';
    case 'timezone':
      return contact.timezone ?? '';
  }
  const value = contact.fields[key];
  return value === null || value === undefined ? '' : String(value);
}

/** What the variable shows for `contact`; null when it would be empty. */
export function resolveParam(draft: ParamDraft, contact: SampleContact | null): string | null {
  switch (draft.source) {
    case 'field':
      return contactValue(contact, draft.field) || draft.fallback || null;
    case 'text':
      return draft.text || null;
    case 'click':
      return 'r/…';
    case 'link':
      return draft.link || null;
  }
}

export interface PreviewButton {
  type: string;
  text: string;
  detail: string | null;
}

export interface MessagePreview {
  header: { kind: 'text'; text: string } | { kind: 'media'; format: string } | null;
  body: string;
  footer: string | null;
  buttons: PreviewButton[];
}

function fill(
  text: string,
  part: 'header' | 'body',
  drafts: Record<string, ParamDraft>,
  contact: SampleContact | null,
): string {
  return text.replace(variablePattern, (whole, name: string) => {
    const draft = drafts[`${part}.${name}`];
    return (draft && resolveParam(draft, contact)) ?? whole;
  });
}

/** The template as `contact` would receive it, with the mapped values in place. */
export function previewTemplate(
  template: Template,
  drafts: Record<string, ParamDraft>,
  contact: SampleContact | null,
): MessagePreview {
  const preview: MessagePreview = { header: null, body: '', footer: null, buttons: [] };
  for (const component of template.components) {
    const type = component.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (component.format ?? 'TEXT').toUpperCase();
      preview.header =
        format === 'TEXT'
          ? { kind: 'text', text: fill(component.text ?? '', 'header', drafts, contact) }
          : { kind: 'media', format };
    } else if (type === 'BODY') {
      preview.body = fill(component.text ?? '', 'body', drafts, contact);
    } else if (type === 'FOOTER') {
      preview.footer = component.text ?? null;
    } else if (type === 'BUTTONS') {
      preview.buttons = (component.buttons ?? []).map((button, index) => {
        const buttonType = button.type.toUpperCase();
        const draft = drafts[`button.${index}`];
        const value = draft ? resolveParam(draft, contact) : null;
        let detail: string | null = null;
        if (buttonType === 'URL' && button.url) {
          detail = value ? button.url.replace(variablePattern, value) : button.url;
        } else if (buttonType === 'PHONE_NUMBER') detail = button.phone_number ?? null;
        else if (buttonType === 'COPY_CODE') detail = value ?? buttonExample(button);
        return {
          type: buttonType,
          text: buttonType === 'COPY_CODE' ? 'Copy offer code' : (button.text ?? button.type),
          detail,
        };
      });
    }
  }
  return preview;
}

const personalization = /\{\{\s*([a-z0-9_]+)\s*(?:\|([^{}]*))?\}\}/g;

/** Free-form text for `contact`: each `{{field|fallback}}` replaced by its value. */
export function fillText(text: string, contact: SampleContact | null): string {
  return text.replace(
    personalization,
    (_whole, key: string, fallback: string | undefined) =>
      contactValue(contact, key) || (fallback ?? '').trim(),
  );
}

/** `{{field|fallback}}`, or `{{field}}` without a fallback. */
export function personalizationToken(field: string, fallback: string): string {
  const clean = fallback.replace(/[{}|]/g, '').trim();
  return clean === '' ? `{{${field}}}` : `{{${field}|${clean}}}`;
}
