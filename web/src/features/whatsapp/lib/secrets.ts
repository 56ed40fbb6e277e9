import type { Account } from '../api/get-accounts';

// An account's secrets: the API says only whether each is set, never its value.

export type SecretField = 'access_token' | 'app_secret' | 'verify_token';

export const secretFields: SecretField[] = ['access_token', 'app_secret', 'verify_token'];

export const secretLabels: Record<SecretField, string> = {
  access_token: 'Access token',
  app_secret: 'App secret',
  verify_token: 'Verify token',
};

export const secretHelp: Record<SecretField, string> = {
  access_token:
    'A system user token of your Meta app with whatsapp_business_messaging and whatsapp_business_management.',
  app_secret: "Your Meta app's secret (App settings → Basic): it signs every webhook.",
  verify_token: "Any phrase; type the same one in Meta's webhook settings.",
};

export function isSecretSet(account: Account, field: SecretField): boolean {
  if (field === 'access_token') return account.has_access_token;
  if (field === 'app_secret') return account.has_app_secret;
  return account.has_verify_token;
}
