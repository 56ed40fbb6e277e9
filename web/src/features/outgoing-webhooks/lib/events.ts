import type { WebhookEventName } from '../api/get-endpoints';

/** Stands for every event, now and later. */
export const allEvents = '*';

/** What each event means, in the order the settings list them. */
export const eventDescriptions: Record<WebhookEventName, string> = {
  'contact.created': 'A contact was added',
  'contact.updated': 'A contact was changed',
  'contact.deleted': 'A contact was deleted',
  'contact.opted_out': 'A contact opted out (in Kirim, by keyword, button or in WhatsApp)',
  'contact.opted_in': 'A contact opted back in',
  'message.received': 'A customer sent a WhatsApp message',
  'message.status': 'A sent message was sent, delivered, read or failed',
};

export const knownEvents = Object.keys(eventDescriptions) as WebhookEventName[];

export function subscribesToAll(events: readonly string[]): boolean {
  return events.includes(allEvents);
}

/** "All events", "contact.created", "3 events". */
export function summarizeEvents(events: readonly string[]): string {
  if (subscribesToAll(events)) return 'All events';
  if (events.length === 1) return events[0]!;
  return `${events.length} events`;
}

/** Pretty-printed JSON for people; text that is not JSON stays as it is. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}
