import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { campaignQueryKey } from './get-campaign';

export type SeriesInterval = '10s' | '1m' | '10m';

/** What happened during one interval (counts of that interval, not running totals). */
export interface SeriesPoint {
  at: string;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  clicked: number;
}

export interface CampaignSeries {
  interval_ms: number;
  data: SeriesPoint[];
}

export function seriesQueryKey(id: number, interval: SeriesInterval) {
  return [...campaignQueryKey(id), 'series', interval] as const;
}

/** GET /api/v1/campaigns/{id}/series (any role): one point per interval since the start. */
export function getSeries(
  id: number,
  interval: SeriesInterval,
  signal?: AbortSignal,
): Promise<CampaignSeries> {
  return apiClient.get<CampaignSeries>(`/api/v1/campaigns/${id}/series`, { interval }, signal);
}

export function useSeries(id: number, interval: SeriesInterval, pollMs: number | false = false) {
  return useQuery({
    ...queryOptions({
      queryKey: seriesQueryKey(id, interval),
      queryFn: ({ signal }) => getSeries(id, interval, signal),
    }),
    refetchInterval: pollMs,
  });
}
