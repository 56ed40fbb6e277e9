import { NativeSelect, NumberInput, Select, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import type { KeyboardEvent, ReactNode } from 'react';
import type { ContactField } from '../api/get-contact-fields';

interface FieldValueInputProps {
  field: Pick<ContactField, 'type' | 'choices' | 'label'>;
  /** As a form holds it: '' for none, `true`/`false` for yes/no (see utils/field-values). */
  value: string;
  onChange: (value: string) => void;
  label?: ReactNode;
  /** For inputs without a visible label. */
  'aria-label'?: string;
  error?: ReactNode;
  description?: ReactNode;
  disabled?: boolean;
  autoFocus?: boolean;
  onKeyDown?: (event: KeyboardEvent<HTMLElement>) => void;
  onBlur?: () => void;
  size?: 'xs' | 'sm';
}

/**
 * The input a custom field's type calls for: text, a number, yes/no, a date or one of its
 * choices. Every type may be left empty; a yes/no field offers "Not set" for that.
 */
export function FieldValueInput({ field, value, onChange, ...props }: FieldValueInputProps) {
  switch (field.type) {
    case 'number':
      return (
        <NumberInput
          {...props}
          value={value}
          onChange={(next) => onChange(String(next))}
          decimalScale={6}
          allowDecimal
        />
      );
    case 'boolean':
      return (
        <NativeSelect
          {...props}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
          data={[
            { value: '', label: 'Not set' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
        />
      );
    case 'date':
      // A picker rather than a typed date: typing would save every half-typed date on the way.
      return (
        <DatePickerInput
          {...props}
          value={value === '' ? null : value}
          onChange={(next) => onChange(next ?? '')}
          valueFormat="D MMM YYYY"
          placeholder="Pick a date"
          clearable
          popoverProps={{ withinPortal: true }}
        />
      );
    case 'choice':
      return (
        <Select
          {...props}
          value={value === '' ? null : value}
          onChange={(next) => onChange(next ?? '')}
          data={field.choices}
          clearable
          searchable={field.choices.length > 8}
          placeholder="Choose…"
          comboboxProps={{ withinPortal: true }}
        />
      );
    default:
      return (
        <TextInput
          {...props}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      );
  }
}
