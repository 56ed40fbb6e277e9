import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import { makeRateLimit } from '../test-fixtures';
import { RateLimitsPanel } from './rate-limits-panel';

describe('RateLimitsPanel', () => {
  it('shows rate, next slot, backoff, tier use, pause and refusals per number', async () => {
    stubFetch({
      'GET /api/v1/rate-limits': () =>
        jsonResponse({
          data: [
            makeRateLimit(),
            makeRateLimit({
              pnid: '100000000000012',
              phone_number: '+1 555-000-0002',
              current_mps: 40,
              sent_last_second: 40,
              next_slot_ms: 25,
              backoff_ms: 1500,
              tier: { used: 950, cap: 1000 },
              paused: true,
              pause_detail: 'Meta refused the access token (190).',
              refused: { rate: 3, pair: 2, tier: 1, paused: 7 },
              throttles: 4,
            }),
            makeRateLimit({
              pnid: '100000000000013',
              phone_number: '+1 555-000-0003',
              known: false,
              configured_mps: 0,
              current_mps: 0,
              sent_last_second: 0,
              tier: { used: 0, cap: null },
              allowed: 0,
              refused: { rate: 0, pair: 0, tier: 0, paused: 0 },
            }),
          ],
        }),
    });
    renderWithProviders(<RateLimitsPanel />);
    const table = await screen.findByRole('table', { name: 'Rate limits' });
    const [, first, second, third] = within(table).getAllByRole('row');

    expect(first).toHaveTextContent(/\+1 555-000-0001.*Sandbox · 100000000000011/);
    expect(first).toHaveTextContent('80 of 80 msg/s');
    expect(first).toHaveTextContent('12 sent in the last second');
    expect(
      within(first!).getByRole('progressbar', {
        name: 'Sent in the last second by +1 555-000-0001',
      }),
    ).toHaveAttribute('aria-valuenow', '15');
    expect(first).toHaveTextContent(/now.*none.*120 of 10,000/);
    expect(
      within(first!).getByRole('progressbar', { name: 'Tier use of +1 555-000-0001' }),
    ).toHaveAttribute('aria-valuetext', '120 of 10,000 unique recipients');
    expect(first).toHaveTextContent(
      /Sending.*5,000 allowed.*refused: 10 rate · 0 pair · 0 tier · 0 paused/,
    );

    expect(second).toHaveTextContent('40 of 80 msg/s (slowed)');
    expect(second).toHaveTextContent(/in 25 ms.*1.5 s left.*950 of 1,000/);
    expect(within(second!).getByText('Paused')).toBeInTheDocument();
    expect(second).toHaveTextContent('Meta refused the access token (190).');
    expect(second).toHaveTextContent('Meta throttled it 4×');

    expect(third).toHaveTextContent(/not in use yet.*0 \(no cap\).*Idle/);
  });

  it('points to the WhatsApp settings when there is no number', async () => {
    stubFetch({ 'GET /api/v1/rate-limits': () => jsonResponse({ data: [] }) });
    renderWithProviders(<RateLimitsPanel />);
    expect(await screen.findByText('No sender numbers')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Settings → WhatsApp' })).toHaveAttribute(
      'href',
      '/settings/whatsapp',
    );
  });
});
