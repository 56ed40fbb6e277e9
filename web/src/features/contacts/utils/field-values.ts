import { formatDate, formatNumber } from '@/lib/format';
import type { FieldValue } from '../api/get-contact';
import type { ContactField, FieldType } from '../api/get-contact-fields';

// Forms hold every custom field value as a string (what inputs give); the API wants typed JSON
// (docs/api.md: text, number, boolean, `YYYY-MM-DD` dates, one of a choice field's choices).

export const fieldTypeLabels: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Yes / no',
  date: 'Date',
  choice: 'Choice',
};

/** A stored value as a form holds it: '' for none, `true`/`false` for booleans. */
export function fieldValueToInput(value: FieldValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * A form's string as the API's value: null when empty, a number for number fields, a boolean
 * for yes/no fields. A number that does not parse is sent as typed, for the server to name.
 */
export function inputToFieldValue(type: FieldType, input: string): FieldValue | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  switch (type) {
    case 'number': {
      const number = Number(trimmed);
      return Number.isFinite(number) ? number : trimmed;
    }
    case 'boolean':
      return trimmed === 'true';
    default:
      return trimmed;
  }
}

/** "Yes", "1,200", "May 1, 2024": a value as a person reads it; null when there is none. */
export function formatFieldValue(
  field: Pick<ContactField, 'type'>,
  value: FieldValue | null | undefined,
): string | null {
  if (value === null || value === undefined || value === '') return null;
  switch (field.type) {
    case 'boolean':
      return value === true || value === 'true' ? 'Yes' : 'No';
    case 'number':
      return typeof value === 'number' ? formatNumber(value) : String(value);
    case 'date':
      // Noon UTC keeps the calendar day in every time zone.
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? formatDate(`${value}T12:00:00Z`)
        : String(value);
    default:
      return String(value);
  }
}

/** "city" for "City", "first_order" for "First order!": how the server derives a key. */
export function fieldKeyFromLabel(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
