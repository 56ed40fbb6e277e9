import type { AudienceEstimate } from './api/estimate-audience';
import type { Campaign, CampaignCounters } from './api/get-campaign';
import type { ContactField } from './api/get-contact-fields';
import type { Account } from './api/get-phone-numbers';
import type { Recipient } from './api/get-recipients';
import type { SeriesPoint } from './api/get-series';
import type { Tag } from './api/get-tags';
import type { Template } from './api/get-templates';
import type { CampaignEvent } from './api/get-timeline';

// Objects shaped as docs/api.md ("Campaigns", "Contacts", "WhatsApp") shows them, for this
// feature's tests.

export function makeCounters(overrides: Partial<CampaignCounters> = {}): CampaignCounters {
  return {
    planned: 1200,
    queued: 300,
    sending: 4,
    sent: 880,
    delivered: 850,
    read: 600,
    replied: 40,
    clicked: 75,
    converted: 12,
    failed: 16,
    unknown: 0,
    skipped: 0,
    cancelled: 0,
    ...overrides,
  };
}

export const zeroCounters: CampaignCounters = makeCounters({
  planned: 0,
  queued: 0,
  sending: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  replied: 0,
  clicked: 0,
  converted: 0,
  failed: 0,
});

export function makeCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 4,
    name: 'November promo',
    state: 'running',
    audience: {
      filter: { tag: ['vip'] },
      exclude_tags: ['churned'],
      contact_ids: [],
      frequency_cap_days: 7,
      include_unknown_consent: false,
    },
    message: {
      kind: 'template',
      template_id: 8,
      language: 'en_US',
      params: { 'body.1': { field: 'name', fallback: 'there' }, 'body.2': { text: '20%' } },
    },
    senders: [5, 6],
    schedule: { mode: 'now' },
    quiet_hours: null,
    speed_mps: 40,
    goal: null,
    counters: makeCounters(),
    rate: { current_mps: 38.5, eta_seconds: 8 },
    created_by: { id: 1, name: 'Ana' },
    created_at: '2026-11-25T04:00:00Z',
    updated_at: '2026-11-25T04:10:00Z',
    scheduled_at: null,
    started_at: '2026-11-25T04:05:00Z',
    finished_at: null,
    error: null,
    ...overrides,
  };
}

export function makeDraft(overrides: Partial<Campaign> = {}): Campaign {
  return makeCampaign({
    id: 9,
    name: 'Draft one',
    state: 'draft',
    audience: {},
    message: {},
    senders: [],
    schedule: {},
    speed_mps: 20,
    counters: zeroCounters,
    rate: { current_mps: 0, eta_seconds: null },
    started_at: null,
    ...overrides,
  });
}

export const accounts: Account[] = [
  {
    id: 2,
    name: 'Acme main',
    status: 'active',
    paused_reason: null,
    phone_numbers: [
      {
        id: 5,
        pnid: '100000000000011',
        display_number: '+1 555-000-0001',
        verified_name: 'Acme',
        quality_rating: 'GREEN',
        messaging_tier: 'TIER_10K',
        throughput_mps: 80,
        status: 'CONNECTED',
      },
      {
        id: 6,
        pnid: '100000000000012',
        display_number: '+1 555-000-0002',
        verified_name: 'Acme',
        quality_rating: 'YELLOW',
        messaging_tier: 'TIER_1K',
        throughput_mps: 20,
        status: 'CONNECTED',
      },
    ],
  },
];

export function makeTemplate(overrides: Partial<Template> = {}): Template {
  return {
    id: 8,
    account_id: 2,
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    quality: 'GREEN',
    parameter_format: 'positional',
    components: [
      {
        type: 'HEADER',
        format: 'TEXT',
        text: 'Order for {{1}}',
        example: { header_text: ['Ana'] },
      },
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order ships with {{2}} off.',
        example: { body_text: [['Ana', '10%']] },
      },
      { type: 'FOOTER', text: 'Acme shop' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Track', url: 'https://kirim.example.com/r/{{1}}' },
          { type: 'QUICK_REPLY', text: 'Stop' },
        ],
      },
    ],
    updated_at: '2026-11-25T04:00:00Z',
    ...overrides,
  };
}

export const templates: Template[] = [
  makeTemplate(),
  makeTemplate({
    id: 11,
    name: 'hello_world',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hello world' }],
  }),
  makeTemplate({
    id: 12,
    name: 'pending_offer',
    status: 'PENDING',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Soon' }],
  }),
];

export const fields: ContactField[] = [
  {
    id: 3,
    key: 'city',
    label: 'City',
    type: 'text',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
  {
    id: 4,
    key: 'age',
    label: 'Age',
    type: 'number',
    choices: [],
    created_at: '2026-11-25T04:00:00Z',
  },
];

export const tags: Tag[] = [
  { id: 1, name: 'vip', contacts: 12 },
  { id: 2, name: 'churned', contacts: 3 },
];

export function makeEstimate(contacts = 1500): AudienceEstimate {
  return { contacts, excluded: { opted_out: 20, tags: 5, frequency_cap: 3, window_closed: 0 } };
}

export function makeRecipient(index: number, overrides: Partial<Recipient> = {}): Recipient {
  return {
    id: index + 1,
    contact: {
      id: 100 + index,
      name: `Contact ${index + 1}`,
      phone: `+62812000${String(index).padStart(4, '0')}`,
    },
    sender: { id: 5, display_number: '+1 555-000-0001' },
    state: 'delivered',
    wamid: `wamid.${index}`,
    error: null,
    queued_at: '2026-11-25T04:05:00Z',
    sent_at: '2026-11-25T04:05:01Z',
    delivered_at: '2026-11-25T04:05:02Z',
    read_at: null,
    replied_at: null,
    clicked_at: null,
    converted_at: null,
    updated_at: '2026-11-25T04:05:02Z',
    ...overrides,
  };
}

export function makeSeries(
  count: number,
  start = Date.parse('2026-11-25T04:05:00Z'),
): SeriesPoint[] {
  return Array.from({ length: count }, (_, index) => ({
    at: new Date(start + index * 10_000).toISOString(),
    sent: 100,
    delivered: 90,
    read: 50,
    failed: 2,
    replied: 1,
    clicked: 3,
  }));
}

export function makeEvent(overrides: Partial<CampaignEvent> = {}): CampaignEvent {
  return {
    id: 1,
    at: '2026-11-25T04:00:00Z',
    kind: 'created',
    actor: { id: 1, name: 'Ana' },
    detail: '',
    ...overrides,
  };
}
