import type { ConsentSource, ConsentState } from '../api/get-contact';

export const consentLabels: Record<ConsentState, string> = {
  opted_in: 'Opted in',
  opted_out: 'Opted out',
  unknown: 'Unknown',
};

export const consentColors: Record<ConsentState, string> = {
  opted_in: 'teal',
  opted_out: 'red',
  unknown: 'gray',
};

/** Completes "Changed through …". */
export const consentSourceLabels: Record<ConsentSource, string> = {
  api: 'the API',
  web: 'the web app',
  import: 'an import',
  keyword: 'a keyword reply',
  button: 'a button reply',
  whatsapp_preferences: 'WhatsApp preferences',
};

export const consentOptions: { value: ConsentState; label: string }[] = [
  { value: 'unknown', label: 'Unknown' },
  { value: 'opted_in', label: 'Opted in' },
  { value: 'opted_out', label: 'Opted out' },
];
