import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { type ConsentState, type Contact, contactQueryKey, type FieldValue } from './get-contact';

export interface UpdateContactInput {
  id: number;
  name?: string | null;
  language?: string | null;
  country?: string | null;
  timezone?: string | null;
  /** Replaces the contact's tags. */
  tags?: string[];
  /** Merges into the contact's values; `null` removes one. */
  fields?: Record<string, FieldValue | null>;
  consent?: ConsentState;
}

/** PATCH /api/v1/contacts/{id} (editor+): 200 Contact. */
export function updateContact({ id, ...changes }: UpdateContactInput): Promise<Contact> {
  return apiClient.patch<Contact>(`/api/v1/contacts/${id}`, changes);
}

export function useUpdateContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateContact,
    onSuccess: async (contact, input) => {
      queryClient.setQueryData(contactQueryKey(contact.id), contact);
      // The lists, the tag counts and the consent history may all have changed; the contact
      // itself is fresh, so it is left out of the refetch.
      await Promise.all([
        queryClient.invalidateQueries({
          queryKey: [...queryKeys.contacts, 'list'],
          refetchType: 'active',
        }),
        input.tags !== undefined && queryClient.invalidateQueries({ queryKey: queryKeys.tags }),
        input.consent !== undefined &&
          queryClient.invalidateQueries({ queryKey: [...contactQueryKey(contact.id), 'consent'] }),
      ]);
    },
  });
}
