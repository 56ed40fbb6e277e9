/** The path Meta may call for every account, checked with the server's own secrets. */
export const instanceWebhookPath = '/webhooks/whatsapp';

/** What to paste into Meta's dashboard: this server's origin plus the path. */
export function callbackUrl(path: string): string {
  return `${window.location.origin}${path}`;
}
