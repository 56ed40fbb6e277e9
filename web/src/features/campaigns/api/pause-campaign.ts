import { apiClient } from '@/lib/api-client';
import { useCampaignCommand } from '../hooks/use-campaign-command';
import type { Campaign } from './get-campaign';

/** POST /api/v1/campaigns/{id}/pause (editor+): 200 Campaign in `paused`, once no further request for it can leave Kirim. */
export function pauseCampaign(id: number): Promise<Campaign> {
  return apiClient.post<Campaign>(`/api/v1/campaigns/${id}/pause`);
}

export function usePauseCampaign() {
  return useCampaignCommand(pauseCampaign);
}
