import { apiClient } from '@/lib/api-client';
import { useCampaignCommand } from '../hooks/use-campaign-command';
import type { Campaign } from './get-campaign';

/** POST /api/v1/campaigns/{id}/resume (editor+): 200 Campaign in `running`. */
export function resumeCampaign(id: number): Promise<Campaign> {
  return apiClient.post<Campaign>(`/api/v1/campaigns/${id}/resume`);
}

export function useResumeCampaign() {
  return useCampaignCommand(resumeCampaign);
}
