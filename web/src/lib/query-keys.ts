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
  // Outgoing webhooks (owners and admins): the endpoints, and their deliveries (lists by
  // endpoint and state, and single deliveries with their payload).
  outgoingWebhooks: ['webhooks', 'endpoints'] as const,
  webhookDeliveries: ['webhooks', 'deliveries'] as const,
  // Background work (owners and admins): the queues with their history, jobs (lists by filter
  // and single jobs with their attempts; imports and exports add to them), schedules, and the
  // sender numbers' rate limiters.
  queues: ['queues'] as const,
  jobs: ['jobs'] as const,
  schedules: ['schedules'] as const,
  rateLimits: ['rate-limits'] as const,
  // Campaigns: lists by filter under `list`, and single campaigns with their recipients, series,
  // failures and timeline under their id; the dashboard's workspace events patch both.
  campaigns: ['campaigns'] as const,
};
