// Keys shared by more than one feature live here, so that a feature can refresh data another
// feature shows without importing it.
export const queryKeys = {
  me: ['me'] as const,
  workspace: ['workspace'] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  readiness: ['readiness'] as const,
  realtime: ['realtime'] as const,
  // Contacts: lists and single contacts live under `contacts`; fields and tags change what the
  // contacts pages show, imports and exports change the contacts.
  contacts: ['contacts'] as const,
  contactFields: ['contact-fields'] as const,
  tags: ['tags'] as const,
  imports: ['imports'] as const,
  exports: ['exports'] as const,
  // WhatsApp: accounts (with their numbers), templates (lists by filter under this prefix) and
  // the webhook log (pages by filter, and single events with their body).
  whatsappAccounts: ['whatsapp', 'accounts'] as const,
  whatsappTemplates: ['whatsapp', 'templates'] as const,
  webhookEvents: ['webhooks', 'events'] as const,
};
