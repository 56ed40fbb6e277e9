import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Campaign } from '../api/get-campaign';
import { campaignListsKey } from '../api/get-campaigns';
import { campaignTimelineQueryKey } from '../api/get-timeline';
import { storeCampaign } from '../lib/cache';

/**
 * A command that answers with the campaign in its new state (launch, pause, resume, stop,
 * speed). Nothing changes on screen until that answer: the answer is stored as confirmed, and
 * the timeline and the lists (whose filters the new state may leave) are refreshed.
 */
export function useCampaignCommand<TVariables>(
  command: (variables: TVariables) => Promise<Campaign>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: command,
    onSuccess: (campaign) => {
      storeCampaign(queryClient, campaign, { confirmed: true });
      void queryClient.invalidateQueries({ queryKey: campaignTimelineQueryKey(campaign.id) });
      void queryClient.invalidateQueries({ queryKey: campaignListsKey, refetchType: 'active' });
    },
  });
}
