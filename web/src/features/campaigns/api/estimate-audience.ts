import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { CampaignAudience, CampaignMessage } from './get-campaign';

export interface EstimateInput {
  audience: CampaignAudience;
  /** A text message also leaves out contacts whose 24-hour window is closed. */
  message?: CampaignMessage;
}

export interface AudienceEstimate {
  contacts: number;
  excluded: {
    opted_out: number;
    tags: number;
    frequency_cap: number;
    window_closed: number;
    /** Left out because their consent is unknown (when they are not included). */
    unknown_consent?: number;
  };
}

/** POST /api/v1/campaigns/estimate (any role): how many contacts the audience reaches now. */
export function estimateAudience(
  input: EstimateInput,
  signal?: AbortSignal,
): Promise<AudienceEstimate> {
  return apiRequest<AudienceEstimate>('/api/v1/campaigns/estimate', {
    method: 'POST',
    body: input,
    signal,
  });
}

/** The estimate of `input`; null asks nothing (the caller debounces what it passes). */
export function useAudienceEstimate(input: EstimateInput | null) {
  return useQuery({
    ...queryOptions({
      queryKey: [...queryKeys.campaigns, 'estimate', input] as const,
      queryFn: ({ signal }) => estimateAudience(input!, signal),
      // Contacts come and go; an estimate a few seconds old is still a fair one.
      staleTime: 10_000,
    }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
  });
}
