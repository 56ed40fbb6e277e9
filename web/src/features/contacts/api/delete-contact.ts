import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** DELETE /api/v1/contacts/{id} (editor+): 204. */
export function deleteContact(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/contacts/${id}`);
}

export function useDeleteContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteContact,
    // The contact's own page is being left, so only the lists and the tag counts are refreshed;
    // refetching the contact would only answer 404.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: [...queryKeys.contacts, 'list'] }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tags }),
      ]),
  });
}
