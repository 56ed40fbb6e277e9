import { describe, expect, it } from 'vitest';
import type { SampleContact } from '../api/get-sample-contact';
import { makeTemplate } from '../test-fixtures';
import {
  buildParams,
  fillText,
  paramDraftFrom,
  personalizationToken,
  previewTemplate,
  templateSlots,
} from './message';

const ana: SampleContact = {
  id: 12,
  phone: '+6281234567890',
  name: 'Ana',
  language: 'id',
  country: 'ID',
  timezone: 'Asia/Jakarta',
  fields: { city: 'Jakarta', plan: null },
};

describe('templateSlots', () => {
  it('lists header, body and URL-button variables with their examples', () => {
    expect(
      templateSlots(makeTemplate()).map(({ key, kind, example }) => [key, kind, example]),
    ).toEqual([
      ['header.1', 'text', 'Ana'],
      ['body.1', 'text', 'Ana'],
      ['body.2', 'text', '10%'],
      ['button.0', 'url', null],
    ]);
  });

  it('names named variables, a media header and a coupon code', () => {
    const template = makeTemplate({
      parameter_format: 'named',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        {
          type: 'BODY',
          text: 'Hi {{first_name}}, {{first_name}} again',
          example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] },
        },
        { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] },
      ],
    });
    expect(templateSlots(template).map(({ key, kind }) => [key, kind])).toEqual([
      ['header.media', 'media'],
      ['body.first_name', 'text'],
      ['button.0', 'copy_code'],
    ]);
  });
});

describe('buildParams', () => {
  it('gives every variable a source, and only the variables', () => {
    const slots = templateSlots(makeTemplate());
    expect(
      buildParams(slots, {
        'body.2': { source: 'text', text: '20%' },
        'button.0': { source: 'click' },
        'body.9': { source: 'text', text: 'left from another template' },
      }),
    ).toEqual({
      'header.1': { field: 'name', fallback: '' },
      'body.1': { field: 'name', fallback: '' },
      'body.2': { text: '20%' },
      'button.0': { click: true },
    });
  });

  it('reads stored sources back', () => {
    const [slot] = templateSlots(makeTemplate());
    expect(paramDraftFrom({ field: 'city', fallback: 'you' }, slot!)).toEqual({
      source: 'field',
      field: 'city',
      fallback: 'you',
    });
    expect(paramDraftFrom(undefined, slot!)).toEqual({
      source: 'field',
      field: 'name',
      fallback: '',
    });
  });
});

describe('previews', () => {
  it('fills a template for a contact, with fallbacks for missing values', () => {
    const preview = previewTemplate(
      makeTemplate(),
      {
        'header.1': { source: 'field', field: 'plan', fallback: 'friend' },
        'body.1': { source: 'field', field: 'name', fallback: 'there' },
        'body.2': { source: 'text', text: '20%' },
      },
      ana,
    );
    expect(preview.header).toEqual({ kind: 'text', text: 'Order for friend' });
    expect(preview.body).toBe('Hi Ana, your order ships with 20% off.');
    expect(preview.footer).toBe('Acme shop');
    expect(preview.buttons.map((button) => button.text)).toEqual(['Track', 'Stop']);
  });

  it('fills free-form text and writes insertion tokens', () => {
    expect(fillText('Hi {{name|there}} from {{city}} {{plan|gold}}', ana)).toBe(
      'Hi Ana from Jakarta gold',
    );
    expect(fillText('Hi {{name|there}}', null)).toBe('Hi there');
    expect(personalizationToken('name', ' there ')).toBe('{{name|there}}');
    expect(personalizationToken('city', '')).toBe('{{city}}');
    expect(personalizationToken('city', 'a|b}')).toBe('{{city|ab}}');
  });
});
