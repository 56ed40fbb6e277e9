import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { storeCampaign } from '../lib/cache';
import type { Campaign } from './get-campaign';
import { campaignListsKey } from './get-campaigns';

/** POST /api/v1/campaigns/{id}/duplicate (editor+): 201 Campaign, a draft copy. */
export function duplicateCampaign(id: number): Promise<Campaign> {
  return apiClient.post<Campaign>(`/api/v1/campaigns/${id}/duplicate`);
}

export function useDuplicateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: duplicateCampaign,
    onSuccess: (campaign) => {
      storeCampaign(queryClient, campaign);
      void queryClient.invalidateQueries({ queryKey: campaignListsKey });
    },
  });
}
