import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { campaignQueryKey } from './get-campaign';
import { campaignListsKey } from './get-campaigns';

/** DELETE /api/v1/campaigns/{id} (editor+; drafts and finished campaigns): 204. */
export function deleteCampaign(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/campaigns/${id}`);
}

export function useDeleteCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCampaign,
    onSuccess: async (_answer, id) => {
      queryClient.removeQueries({ queryKey: campaignQueryKey(id) });
      await queryClient.invalidateQueries({ queryKey: campaignListsKey });
    },
  });
}
