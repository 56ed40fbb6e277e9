import { type CountryCode, getCountries } from 'libphonenumber-js';

// Countries as the contacts pages and the workspace settings show them: the ISO 3166 alpha-2
// code the API speaks, the browser's own name for it, and its flag.

let regionNames: Intl.DisplayNames | null = null;

/** "Indonesia" for `ID`, in the browser's language; the code itself when the name is unknown. */
export function countryName(code: string): string {
  regionNames ??= new Intl.DisplayNames(undefined, { type: 'region' });
  try {
    return regionNames.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** The flag emoji of a two-letter code (regional indicator symbols); empty for anything else. */
export function countryFlag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return '';
  return String.fromCodePoint(
    ...[...code.toUpperCase()].map((letter) => 0x1f1e6 + letter.charCodeAt(0) - 65),
  );
}

export interface CountryOption {
  value: string;
  label: string;
}

let regions: CountryOption[] | null = null;

/** Every region whose phone numbers can be read, by name: the choices for a default region. */
export function phoneRegionOptions(): CountryOption[] {
  regions ??= getCountries()
    .map((code: CountryCode) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ code, name }) => ({ value: code, label: `${countryFlag(code)} ${name}` }));
  return regions;
}
