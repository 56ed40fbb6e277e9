import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type CampaignState =
  'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

/** Contact filters by their API names (docs/api.md "Listing and filtering"), e.g. `{tag: ['vip']}`. */
export type AudienceFilter = Record<string, string | string[]>;

export interface CampaignAudience {
  filter?: AudienceFilter;
  exclude_tags?: string[];
  contact_ids?: number[];
  /** Leaves out contacts messaged within this many days; 0 or absent: no cap. */
  frequency_cap_days?: number;
  include_unknown_consent?: boolean;
}

/** Where a template variable takes its value from. */
export type ParamSource =
  | { field: string; fallback?: string }
  | { text: string }
  | { click: true }
  /** A media header's file. */
  | { link: string };

export interface TemplateMessage {
  kind: 'template';
  template_id: number;
  language: string;
  /** `header.1`, `body.1` or `body.NAME`, `button.INDEX`, `header.media`. */
  params: Record<string, ParamSource>;
}

export interface TextMessage {
  kind: 'text';
  text: string;
  preview_url: boolean;
}

export type CampaignMessage = TemplateMessage | TextMessage;

export type CampaignSchedule =
  { mode: 'now' } | { mode: 'at'; at: string } | { mode: 'local'; date: string; time: string };

export interface QuietHours {
  start: string;
  end: string;
}

export type GoalKind = 'button' | 'keyword' | 'click' | 'api';

export interface CampaignGoal {
  kind: GoalKind;
  value?: string;
  window_hours: number;
}

export interface CampaignCounters {
  planned: number;
  queued: number;
  sending: number;
  /** Every message Meta took: delivered and read ones included. */
  sent: number;
  /** Read ones included. */
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  converted: number;
  failed: number;
  unknown: number;
  skipped: number;
  cancelled: number;
}

export interface CampaignRate {
  current_mps: number;
  /** Null when nothing is being sent. */
  eta_seconds: number | null;
}

export interface Campaign {
  id: number;
  name: string;
  state: CampaignState;
  audience: CampaignAudience;
  /** A new draft has none yet (`{}` or null). */
  message: CampaignMessage | Record<string, never> | null;
  /** Phone number ids (`PhoneNumber.id`). */
  senders: number[];
  schedule: CampaignSchedule | Record<string, never> | null;
  quiet_hours: QuietHours | null;
  speed_mps: number;
  goal: CampaignGoal | null;
  counters: CampaignCounters;
  rate: CampaignRate;
  created_by: { id: number; name: string } | null;
  created_at: string;
  updated_at: string;
  scheduled_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

/** What `campaign.updated` (workspace) and `campaign.progress` (the campaign's channel) carry. */
export interface CampaignLiveUpdate {
  id: number;
  state: CampaignState;
  counters: CampaignCounters;
  rate: CampaignRate;
}

export function campaignQueryKey(id: number) {
  return [...queryKeys.campaigns, id] as const;
}

/** GET /api/v1/campaigns/{id} (any role). */
export function getCampaign(id: number, signal?: AbortSignal): Promise<Campaign> {
  return apiClient.get<Campaign>(`/api/v1/campaigns/${id}`, undefined, signal);
}

export function campaignQueryOptions(id: number) {
  return queryOptions({
    queryKey: campaignQueryKey(id),
    queryFn: ({ signal }) => getCampaign(id, signal),
  });
}

/** One campaign; `pollMs` refetches it while live updates cannot be counted on. */
export function useCampaign(id: number, pollMs: number | false = false) {
  return useQuery({ ...campaignQueryOptions(id), refetchInterval: pollMs });
}

/** A template or text message, or null for a draft that has none yet. */
export function campaignMessage(campaign: Pick<Campaign, 'message'>): CampaignMessage | null {
  const message = campaign.message;
  if (!message || !('kind' in message)) return null;
  return message.kind === 'template' || message.kind === 'text' ? message : null;
}

export function campaignSchedule(campaign: Pick<Campaign, 'schedule'>): CampaignSchedule {
  const schedule = campaign.schedule;
  return schedule && 'mode' in schedule ? (schedule as CampaignSchedule) : { mode: 'now' };
}
