import { useState } from 'react';
import { isApiError } from './api-client';

export interface ServerFormErrorsOptions<Field extends string> {
  /** Renames server fields to form fields where they differ, e.g. `new_password` to `next`. */
  fieldMap?: Partial<Record<string, Field>>;
  /**
   * The field a 409 conflict is about (a taken email, say). Some paths answer it without
   * details; the message still belongs under this field rather than above the buttons.
   */
  conflictField?: Field;
}

/**
 * Splits a failed request into messages for the form's own fields and one message for the rest,
 * so that `{"details": {"email": "is already in use"}}` lands under the Email input.
 */
export function serverFormErrors<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  { fieldMap = {}, conflictField }: ServerFormErrorsOptions<Field> = {},
): { fieldErrors: Partial<Record<Field, string>>; formError: string | null } {
  if (!isApiError(error)) {
    return { fieldErrors: {}, formError: 'Something went wrong. Try again.' };
  }
  const fieldErrors: Partial<Record<Field, string>> = {};
  const unplaced: string[] = [];
  for (const [serverField, reason] of Object.entries(error.details)) {
    const field = fieldMap[serverField] ?? (serverField as Field);
    if (fields.includes(field)) fieldErrors[field] = capitalize(reason);
    else unplaced.push(`${serverField}: ${reason}`);
  }
  if (
    conflictField !== undefined &&
    error.code === 'conflict' &&
    fieldErrors[conflictField] === undefined
  ) {
    fieldErrors[conflictField] = error.message;
    return { fieldErrors, formError: null };
  }
  const placedAny = Object.keys(fieldErrors).length > 0;
  const formError = placedAny
    ? unplaced.length > 0
      ? unplaced.join('; ')
      : null
    : unplaced.length > 0
      ? `${error.message} (${unplaced.join('; ')})`
      : error.message;
  return { fieldErrors, formError };
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/** What a Mantine `useForm` offers for showing reasons under its inputs. */
interface FormWithErrors {
  setErrors: (errors: Partial<Record<string, string>>) => void;
}

/**
 * The failure state of a form that submits to the server: `show(error)` from a mutation's
 * `onError` puts reasons under their inputs and keeps the rest in `formError` for an alert;
 * `clear()` forgets it before the next try or when the form closes.
 */
export function useServerFormErrors<Field extends string>(
  form: FormWithErrors,
  fields: readonly Field[],
  options: ServerFormErrorsOptions<Field> = {},
) {
  const [formError, setFormError] = useState<string | null>(null);
  return {
    formError,
    clear: () => setFormError(null),
    show: (error: unknown) => {
      const placed = serverFormErrors(error, fields, options);
      form.setErrors(placed.fieldErrors);
      setFormError(placed.formError);
    },
  };
}
