import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { storeCampaign } from '../lib/cache';
import type { CampaignInput } from './create-campaign';
import type { Campaign } from './get-campaign';

/** PATCH /api/v1/campaigns/{id} (editor+; drafts and scheduled ones): 200 Campaign. */
export function updateCampaign({
  id,
  ...changes
}: CampaignInput & { id: number }): Promise<Campaign> {
  return apiClient.patch<Campaign>(`/api/v1/campaigns/${id}`, changes);
}

export function useUpdateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCampaign,
    onSuccess: (campaign) => storeCampaign(queryClient, campaign),
  });
}
