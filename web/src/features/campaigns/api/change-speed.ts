import { apiClient } from '@/lib/api-client';
import { useCampaignCommand } from '../hooks/use-campaign-command';
import type { Campaign } from './get-campaign';

export interface ChangeSpeedInput {
  id: number;
  speed_mps: number;
}

/** PATCH /api/v1/campaigns/{id}/speed (editor+): 200 Campaign; takes effect on the next send. */
export function changeSpeed({ id, speed_mps }: ChangeSpeedInput): Promise<Campaign> {
  return apiClient.patch<Campaign>(`/api/v1/campaigns/${id}/speed`, { speed_mps });
}

export function useChangeSpeed() {
  return useCampaignCommand(changeSpeed);
}
