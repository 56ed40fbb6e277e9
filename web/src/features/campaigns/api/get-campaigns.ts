import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Campaign, CampaignState } from './get-campaign';

export interface CampaignListParams {
  state?: CampaignState;
  q?: string;
}

/** Campaigns per request: far more than a screen shows, a small answer. */
export const campaignsPageSize = 50;

export const campaignListsKey = [...queryKeys.campaigns, 'list'] as const;

/** GET /api/v1/campaigns (any role): newest first. */
export function getCampaigns(
  params: CampaignListParams,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<Campaign>> {
  return apiClient.get<Page<Campaign>>(
    '/api/v1/campaigns',
    { ...params, cursor, limit: campaignsPageSize },
    signal,
  );
}

export function campaignsQueryOptions(params: CampaignListParams) {
  return infiniteQueryOptions({
    queryKey: [...campaignListsKey, params] as const,
    queryFn: ({ pageParam, signal }) => getCampaigns(params, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}

const activeStates: ReadonlySet<string> = new Set(['running', 'paused', 'scheduled']);

/** `pollMs` refetches the list while it shows a campaign that is active (and so moving). */
export function useCampaigns(params: CampaignListParams, pollMs: number | false = false) {
  return useInfiniteQuery({
    ...campaignsQueryOptions(params),
    refetchInterval: (query) =>
      pollMs !== false &&
      query.state.data?.pages.some((page) =>
        page.data.some((campaign) => activeStates.has(campaign.state)),
      )
        ? pollMs
        : false,
  });
}
