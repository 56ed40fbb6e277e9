import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { storeCampaign } from '../lib/cache';
import type {
  Campaign,
  CampaignAudience,
  CampaignGoal,
  CampaignMessage,
  CampaignSchedule,
  QuietHours,
} from './get-campaign';
import { campaignListsKey } from './get-campaigns';

/** The body of POST and PATCH /campaigns; absent members stay as they are (PATCH). */
export interface CampaignInput {
  name?: string;
  audience?: CampaignAudience;
  message?: CampaignMessage;
  senders?: number[];
  schedule?: CampaignSchedule;
  quiet_hours?: QuietHours | null;
  speed_mps?: number;
  goal?: CampaignGoal | null;
}

/** POST /api/v1/campaigns (editor+): 201 Campaign in `draft`. */
export function createCampaign(input: CampaignInput & { name: string }): Promise<Campaign> {
  return apiClient.post<Campaign>('/api/v1/campaigns', input);
}

export function useCreateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCampaign,
    onSuccess: (campaign) => {
      storeCampaign(queryClient, campaign);
      void queryClient.invalidateQueries({ queryKey: campaignListsKey });
    },
  });
}
