import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { campaignQueryKey } from './get-campaign';

export type CampaignEventKind =
  | 'created'
  | 'scheduled'
  | 'started'
  | 'paused'
  | 'resumed'
  | 'speed_changed'
  | 'audience_added'
  | 'audience_excluded'
  | 'stopped'
  | 'emergency_stopped'
  | 'completed'
  | 'failed';

/** One entry of a campaign's execution timeline. */
export interface CampaignEvent {
  id: number;
  at: string;
  kind: CampaignEventKind | (string & {});
  actor: { id: number; name: string } | null;
  detail: string;
}

export function campaignTimelineQueryKey(id: number) {
  return [...campaignQueryKey(id), 'timeline'] as const;
}

/** GET /api/v1/campaigns/{id}/timeline (any role): oldest first. */
export async function getTimeline(id: number, signal?: AbortSignal): Promise<CampaignEvent[]> {
  const answer = await apiClient.get<{ data: CampaignEvent[] }>(
    `/api/v1/campaigns/${id}/timeline`,
    undefined,
    signal,
  );
  return answer.data;
}

export function useTimeline(id: number, pollMs: number | false = false) {
  return useQuery({
    ...queryOptions({
      queryKey: campaignTimelineQueryKey(id),
      queryFn: ({ signal }) => getTimeline(id, signal),
    }),
    refetchInterval: pollMs,
  });
}
