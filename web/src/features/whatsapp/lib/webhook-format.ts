const preciseFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

/** "25 Nov 2026, 04:00:12": webhooks arrive seconds apart, so seconds matter here. */
export function formatReceivedAt(iso: string): string {
  return preciseFormat.format(new Date(iso));
}

/** The raw body indented for reading; as received when it is not JSON. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
