import { apiClient } from '@/lib/api-client';
import { useCampaignCommand } from '../hooks/use-campaign-command';
import type { Campaign } from './get-campaign';

/** POST /api/v1/campaigns/{id}/launch (editor+): 200 Campaign: `running` (mode now) or `scheduled`; `validation_failed` lists what is missing. */
export function launchCampaign(id: number): Promise<Campaign> {
  return apiClient.post<Campaign>(`/api/v1/campaigns/${id}/launch`);
}

export function useLaunchCampaign() {
  return useCampaignCommand(launchCampaign);
}
