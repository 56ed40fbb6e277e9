import type { CampaignState } from '../api/get-campaign';
import type { RecipientState } from '../api/get-recipients';

// What each state is called and allows (docs/api.md, "Campaigns"). The server enforces the
// rules; the UI offers only what it would accept.

export const campaignStates: readonly CampaignState[] = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'stopped',
  'failed',
];

export const stateLabels: Record<CampaignState, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  stopped: 'Stopped',
  failed: 'Failed',
};

export const stateColors: Record<CampaignState, string> = {
  draft: 'gray',
  scheduled: 'blue',
  running: 'green',
  paused: 'yellow',
  completed: 'teal',
  stopped: 'orange',
  failed: 'red',
};

/** Sending now, or about to: what an emergency stop stops. */
export function isActive(state: CampaignState): boolean {
  return state === 'running' || state === 'paused' || state === 'scheduled';
}

export const canPause = (state: CampaignState) => state === 'running';
export const canResume = (state: CampaignState) => state === 'paused';
export const canStop = isActive;
export const canChangeSpeed = isActive;
/** Recipients join or leave a campaign that has started; a scheduled one is edited instead. */
export const canChangeAudience = (state: CampaignState) =>
  state === 'running' || state === 'paused';
/** PATCH takes drafts and scheduled campaigns. */
export const canEdit = (state: CampaignState) => state === 'draft' || state === 'scheduled';
export const canLaunch = (state: CampaignState) => state === 'draft';
/** DELETE takes drafts and finished campaigns. */
export const canDelete = (state: CampaignState) =>
  state === 'draft' || state === 'completed' || state === 'stopped' || state === 'failed';

export const recipientStates: readonly RecipientState[] = [
  'pending',
  'sending',
  'accepted',
  'sent',
  'delivered',
  'read',
  'failed',
  'unknown',
  'skipped',
  'cancelled',
];

export const recipientStateLabels: Record<RecipientState, string> = {
  pending: 'Queued',
  sending: 'Sending',
  accepted: 'Accepted',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  unknown: 'Unknown',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

export const recipientStateColors: Record<RecipientState, string> = {
  pending: 'gray',
  sending: 'blue',
  accepted: 'blue',
  sent: 'indigo',
  delivered: 'teal',
  read: 'green',
  failed: 'red',
  unknown: 'orange',
  skipped: 'gray',
  cancelled: 'gray',
};
