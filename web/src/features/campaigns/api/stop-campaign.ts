import { apiClient } from '@/lib/api-client';
import { useCampaignCommand } from '../hooks/use-campaign-command';
import type { Campaign } from './get-campaign';

/** POST /api/v1/campaigns/{id}/stop (editor+): 200 Campaign in `stopped`; recipients not sent become `cancelled`. */
export function stopCampaign(id: number): Promise<Campaign> {
  return apiClient.post<Campaign>(`/api/v1/campaigns/${id}/stop`);
}

export function useStopCampaign() {
  return useCampaignCommand(stopCampaign);
}
