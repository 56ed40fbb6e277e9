// How Meta's enums read in the app. Meta adds values over time, so every lookup has a fallback
// that shows the raw word rather than nothing.

/** "250 / day", "10K / day", "Unlimited" for `TIER_250`, `TIER_10K`, `TIER_UNLIMITED`. */
export function messagingTierLabel(tier: string): string {
  if (tier === '') return 'Unknown';
  if (tier === 'TIER_UNLIMITED') return 'Unlimited';
  const match = /^TIER_(\d+)([KM]?)$/.exec(tier);
  if (!match) return tier;
  return `${match[1]}${match[2]} / day`;
}

export interface BadgeStyle {
  label: string;
  color: string;
}

const qualityStyles: Record<string, BadgeStyle> = {
  GREEN: { label: 'High', color: 'green' },
  YELLOW: { label: 'Medium', color: 'yellow' },
  RED: { label: 'Low', color: 'red' },
  UNKNOWN: { label: 'Unknown', color: 'gray' },
};

/** Meta's quality rating (GREEN, YELLOW, RED) as a coloured badge. */
export function qualityStyle(rating: string): BadgeStyle {
  return qualityStyles[rating] ?? { label: rating === '' ? 'Unknown' : rating, color: 'gray' };
}

/** "CONNECTED" → "Connected", "PENDING_DELETION" → "Pending deletion". */
export function humanize(word: string): string {
  if (word === '') return '—';
  const spaced = word.replace(/_/g, ' ').toLowerCase();
  return spaced[0]!.toUpperCase() + spaced.slice(1);
}

const numberStatusColors: Record<string, string> = {
  CONNECTED: 'green',
  PENDING: 'yellow',
  FLAGGED: 'orange',
  RESTRICTED: 'orange',
  DISCONNECTED: 'red',
  BANNED: 'red',
};

export function numberStatusStyle(status: string): BadgeStyle {
  return { label: humanize(status), color: numberStatusColors[status] ?? 'gray' };
}

const templateStatusColors: Record<string, string> = {
  APPROVED: 'green',
  PENDING: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'gray',
  IN_APPEAL: 'blue',
  LIMIT_EXCEEDED: 'orange',
};

export function templateStatusStyle(status: string): BadgeStyle {
  return { label: humanize(status), color: templateStatusColors[status] ?? 'gray' };
}

/** The statuses the templates list filters by, most common first. */
export const templateStatuses = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
] as const;

export const templateCategories = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;

export const categoryDescriptions: Record<(typeof templateCategories)[number], string> = {
  MARKETING: 'Promotions, offers, news: anything that is not a reply to something the person did',
  UTILITY: 'Updates about an order, an account or an appointment the person asked for',
  AUTHENTICATION: 'One-time passwords; Meta fixes most of their text',
};

export const webhookOutcomes = ['processed', 'ignored', 'unrouted', 'failed', 'pending'] as const;

const outcomeStyles: Record<string, BadgeStyle> = {
  processed: { label: 'Processed', color: 'green' },
  ignored: { label: 'Ignored', color: 'gray' },
  unrouted: { label: 'Unrouted', color: 'orange' },
  failed: { label: 'Failed', color: 'red' },
  pending: { label: 'Pending', color: 'blue' },
};

export function outcomeStyle(outcome: string): BadgeStyle {
  return outcomeStyles[outcome] ?? { label: humanize(outcome), color: 'gray' };
}

export const outcomeDescriptions: Record<(typeof webhookOutcomes)[number], string> = {
  processed: 'applied: statuses, messages and updates recorded',
  ignored: 'valid but nothing to do (a test, a field Kirim does not use)',
  unrouted: 'for a number or account this server does not know',
  failed: 'processing stopped with an error; replay it once the cause is fixed',
  pending: 'stored, not processed yet',
};

/** What a webhook can carry: the `value` arrays of `messages`, and the other fields Meta sends. */
export const webhookKinds = [
  'statuses',
  'messages',
  'errors',
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
  'user_preferences',
  'account_update',
  'phone_number_quality_update',
  'business_capability_update',
] as const;

/** "812 B", "4.1 KB", "2.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
