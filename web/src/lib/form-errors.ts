import { isApiError } from './api-client';

/**
 * Splits a failed request into messages for the form's own fields and one message for the rest,
 * so that `{"details": {"email": "is already in use"}}` lands under the Email input.
 * `fieldMap` renames server fields to form fields where they differ.
 */
export function serverFormErrors<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  fieldMap: Partial<Record<string, Field>> = {},
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
