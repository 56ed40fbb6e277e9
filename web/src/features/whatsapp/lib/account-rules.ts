// Checks the account forms run before sending; the server owns the exact rules.

/** Meta's WhatsApp Business account ids are long numbers. */
export function checkWabaId(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return 'Enter the WABA ID';
  return /^\d{5,32}$/.test(trimmed) ? null : 'A WABA ID is a number, e.g. 102290129340398';
}

/** Empty (Meta's Graph API) or an http(s) URL such as the sandbox's. */
export function checkGraphUrl(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  try {
    const url = new URL(trimmed);
    if (url.protocol === 'http:' || url.protocol === 'https:') return null;
  } catch {
    // Not a URL at all: same answer as a bad scheme.
  }
  return 'Enter a full URL such as https://graph.facebook.com/v23.0';
}
