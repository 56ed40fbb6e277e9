import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type AudienceFilter, campaignQueryKey } from './get-campaign';

/** Who to add or exclude: contacts matching a filter, or exactly these contacts. */
export interface AudienceSelection {
  filter?: AudienceFilter;
  contact_ids?: number[];
}

export interface ChangeAudienceInput {
  id: number;
  add?: AudienceSelection;
  exclude?: AudienceSelection;
}

export interface AudienceChange {
  added: number;
  excluded: number;
}

/**
 * POST /api/v1/campaigns/{id}/audience (editor+): new recipients join the queue; excluded ones
 * not sent yet are dropped.
 */
export function changeAudience({ id, ...change }: ChangeAudienceInput): Promise<AudienceChange> {
  return apiClient.post<AudienceChange>(`/api/v1/campaigns/${id}/audience`, change);
}

export function useChangeAudience() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeAudience,
    // The counters, the recipients and the timeline all moved.
    onSuccess: (_change, { id }) =>
      queryClient.invalidateQueries({ queryKey: campaignQueryKey(id) }),
  });
}
