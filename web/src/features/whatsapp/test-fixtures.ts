import type { Account, PhoneNumber } from './api/get-accounts';
import type { Template } from './api/get-templates';
import type { WebhookEvent } from './api/get-webhook-events';

// Objects shaped as docs/api.md ("WhatsApp") shows them, for this feature's tests.

export function makePhoneNumber(overrides: Partial<PhoneNumber> = {}): PhoneNumber {
  return {
    id: 5,
    pnid: '106540352242922',
    display_number: '+1 555-0100',
    verified_name: 'Acme',
    quality_rating: 'GREEN',
    messaging_tier: 'TIER_10K',
    throughput_mps: 80,
    status: 'CONNECTED',
    updated_at: '2026-11-25T04:00:00Z',
    ...overrides,
  };
}

export function makeAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 2,
    name: 'Acme main',
    waba_id: '102290129340398',
    graph_url: null,
    status: 'active',
    paused_reason: null,
    has_access_token: true,
    has_app_secret: true,
    has_verify_token: false,
    webhook_path: '/webhooks/whatsapp/2',
    phone_numbers: [makePhoneNumber()],
    refreshed_at: '2026-11-25T04:00:00Z',
    refresh_error: null,
    created_at: '2026-11-25T04:00:00Z',
    ...overrides,
  };
}

export function makeTemplate(overrides: Partial<Template> = {}): Template {
  return {
    id: 8,
    account_id: 2,
    meta_id: '1234',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    quality: 'GREEN',
    parameter_format: 'positional',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#1001'] } },
      {
        type: 'BODY',
        text: 'Hi {{1}}, your order is *on its way* and arrives {{2}}.',
        example: { body_text: [['Ana', 'tomorrow']] },
      },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: 'Track order',
            url: 'https://example.com/t/{{1}}',
            example: ['https://example.com/t/1001'],
          },
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
        ],
      },
    ],
    rejected_reason: null,
    updated_at: '2026-11-25T04:00:00Z',
    ...overrides,
  };
}

export function makeWebhookEvent(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: 31,
    received_at: '2026-11-25T04:00:00Z',
    account_id: 2,
    kinds: ['statuses'],
    outcome: 'processed',
    error: null,
    summary: '2 statuses',
    size_bytes: 812,
    processed_at: '2026-11-25T04:00:01Z',
    ...overrides,
  };
}
