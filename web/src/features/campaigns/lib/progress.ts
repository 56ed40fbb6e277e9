import type { CampaignCounters } from '../api/get-campaign';

// Counters are running totals in which each later stage is part of the earlier one (read ones
// were delivered, delivered ones were sent); the progress bar shows them as disjoint segments.

export interface ProgressSegment {
  key: 'read' | 'delivered' | 'sent' | 'failed' | 'other';
  label: string;
  value: number;
  color: string;
}

export function progressSegments(counters: CampaignCounters): ProgressSegment[] {
  const read = counters.read;
  const delivered = Math.max(0, counters.delivered - counters.read);
  const sent = Math.max(0, counters.sent - counters.delivered);
  const other = counters.unknown + counters.skipped + counters.cancelled;
  return [
    { key: 'read', label: 'Read', value: read, color: 'green.7' },
    { key: 'delivered', label: 'Delivered, not read', value: delivered, color: 'teal.4' },
    { key: 'sent', label: 'Sent, not delivered', value: sent, color: 'indigo.3' },
    { key: 'failed', label: 'Failed', value: counters.failed, color: 'red.6' },
    { key: 'other', label: 'Unknown, skipped or cancelled', value: other, color: 'gray.5' },
  ];
}

/** Recipients the campaign is done with, well or not. */
export function finishedCount(counters: CampaignCounters): number {
  return counters.sent + counters.failed + counters.unknown + counters.skipped + counters.cancelled;
}

/** `part` of `whole` in percent, or null when there is no whole. */
export function percentOf(part: number, whole: number): number | null {
  return whole > 0 ? (part / whole) * 100 : null;
}

/** "73%", "0.4%", "<0.1%", "—": one decimal below 10%, none above. */
export function formatPercent(value: number | null): string {
  if (value === null) return '—';
  if (value > 0 && value < 0.1) return '<0.1%';
  if (value < 10 && Math.round(value) !== value) return `${value.toFixed(1)}%`;
  return `${Math.round(value)}%`;
}

/** "38.5/s". */
export function formatMps(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}/s`;
}

/** Sent → delivered → read → replied → clicked → converted. */
export interface FunnelStage {
  label: string;
  value: number;
  color: string;
}

export function funnelStages(counters: CampaignCounters): FunnelStage[] {
  return [
    { label: 'Sent', value: counters.sent, color: 'indigo' },
    { label: 'Delivered', value: counters.delivered, color: 'teal' },
    { label: 'Read', value: counters.read, color: 'green' },
    { label: 'Replied', value: counters.replied, color: 'cyan' },
    { label: 'Clicked', value: counters.clicked, color: 'blue' },
    { label: 'Converted', value: counters.converted, color: 'grape' },
  ];
}
