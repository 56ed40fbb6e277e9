import type { Delivery } from './api/get-deliveries';
import type { Endpoint } from './api/get-endpoints';

// Objects shaped as docs/api.md ("Outgoing webhooks") shows them, for this feature's tests.

export const knownEventNames = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.opted_out',
  'contact.opted_in',
  'message.received',
  'message.status',
];

export function makeEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id: 3,
    url: 'https://crm.example.com/kirim',
    description: 'CRM sync',
    events: ['*'],
    enabled: true,
    disabled_reason: null,
    last_status: 200,
    last_error: null,
    last_attempt_at: '2026-11-25T04:00:00Z',
    consecutive_failures: 0,
    created_at: '2026-11-24T04:00:00Z',
    updated_at: '2026-11-24T04:00:00Z',
    ...overrides,
  };
}

export function makeDelivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 41,
    endpoint_id: 3,
    event: 'contact.created',
    state: 'delivered',
    attempts: 1,
    redeliveries: 0,
    response_status: 200,
    duration_ms: 35,
    error: null,
    created_at: '2026-11-25T04:00:00Z',
    last_attempt_at: '2026-11-25T04:00:01Z',
    next_attempt_at: null,
    delivered_at: '2026-11-25T04:00:01Z',
    ...overrides,
  };
}
