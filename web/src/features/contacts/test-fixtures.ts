import type { Contact } from './api/get-contact';
import type { ContactField } from './api/get-contact-fields';
import type { Message } from './api/get-contact-messages';
import type { Import } from './api/get-import';
import type { Tag } from './api/get-tags';

// Objects as docs/api.md shows them, for the feature's tests.

export function makeContact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 12,
    phone: '+6281234567890',
    name: 'Ana',
    language: 'id',
    country: 'ID',
    timezone: 'Asia/Jakarta',
    tags: ['jakarta', 'vip'],
    fields: { city: 'Jakarta', age: 31, member: true, joined: '2024-05-01', plan: 'gold' },
    consent: { state: 'opted_in', source: 'import', changed_at: '2026-11-25T04:00:00Z' },
    created_at: '2026-11-25T04:00:00Z',
    updated_at: '2026-11-25T04:00:00Z',
    last_inbound_at: null,
    last_outbound_at: null,
    window_open_until: null,
    ...overrides,
  };
}

/** `count` contacts with ids from `firstId`, phones and names numbered alike. */
export function makeContacts(count: number, firstId = 1): Contact[] {
  return Array.from({ length: count }, (_, index) => {
    const id = firstId + index;
    return makeContact({
      id,
      phone: `+62812${String(id).padStart(7, '0')}`,
      name: `Contact ${id}`,
    });
  });
}

export const fields: ContactField[] = [
  {
    id: 1,
    key: 'city',
    label: 'City',
    type: 'text',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
  {
    id: 2,
    key: 'age',
    label: 'Age',
    type: 'number',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
  {
    id: 3,
    key: 'member',
    label: 'Member',
    type: 'boolean',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
  {
    id: 4,
    key: 'joined',
    label: 'Joined',
    type: 'date',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
  {
    id: 5,
    key: 'plan',
    label: 'Plan',
    type: 'choice',
    choices: ['free', 'gold'],
    created_at: '2026-11-25T04:00:00Z',
  },
];

export const tags: Tag[] = [
  { id: 1, name: 'jakarta', contacts: 1200 },
  { id: 2, name: 'vip', contacts: 1532 },
];

export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: 9,
    direction: 'in',
    wamid: 'wamid.1',
    type: 'text',
    text: 'Hi',
    content: { type: 'text', text: { body: 'Hi' } },
    status: 'received',
    error: null,
    phone_number: '+1 555 0100',
    created_at: '2026-11-25T04:00:00Z',
    sent_at: null,
    delivered_at: null,
    read_at: null,
    failed_at: null,
    ...overrides,
  };
}

export function makeImport(overrides: Partial<Import> = {}): Import {
  return {
    id: 7,
    filename: 'leads.csv',
    state: 'uploading',
    size_bytes: 10,
    bytes_received: 0,
    max_chunk_bytes: 4,
    preview: null,
    settings: null,
    progress: null,
    error: null,
    created_by: { id: 1, name: 'Olivia Owner' },
    created_at: '2026-11-25T04:00:00Z',
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}
