// Names and clocks for a contact's language and time zone, from the browser's Intl data.

let languageNames: Intl.DisplayNames | null = null;

/** "Portuguese (Brazil)" for `pt_BR`; the code itself when the browser does not know it. */
export function languageName(code: string): string {
  languageNames ??= new Intl.DisplayNames(undefined, { type: 'language' });
  try {
    return languageNames.of(code.replace('_', '-')) ?? code;
  } catch {
    return code;
  }
}

/** "14:05" in `timeZone`; null for a zone the browser does not know. */
export function localTime(timeZone: string, now: Date): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone }).format(now);
  } catch {
    return null;
  }
}
