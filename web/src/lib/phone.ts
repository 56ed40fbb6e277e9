import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

// Phone numbers are stored and sent as E.164 (docs/api.md, Contacts); people read them grouped
// the way their country writes them. The server owns validation; this only formats.

/** "+62 812-3456-7890" for "+6281234567890"; the input unchanged when it cannot be read. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/**
 * How a number typed into a form will be read: numbers without `+` in the workspace's default
 * region, as the server does. Null while the input is not a possible number.
 */
export function previewPhone(
  input: string,
  defaultRegion: string | null | undefined,
): string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  const region = defaultRegion && isSupportedCountry(defaultRegion) ? defaultRegion : undefined;
  const parsed = parsePhoneNumberFromString(trimmed, region);
  return parsed?.isPossible() ? parsed.formatInternational() : null;
}
