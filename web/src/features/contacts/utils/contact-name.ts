import { formatPhone } from '@/lib/phone';
import type { Contact } from '../api/get-contact';

/** The contact's number as people read it: the server's formatting, else the browser's. */
export function contactPhone(contact: Pick<Contact, 'phone' | 'phone_display'>): string {
  return contact.phone_display ?? formatPhone(contact.phone);
}

/** The contact's name, or their number when they have none. */
export function contactDisplayName(
  contact: Pick<Contact, 'name' | 'phone' | 'phone_display'>,
): string {
  const name = contact.name?.trim() ?? '';
  return name === '' ? contactPhone(contact) : name;
}
