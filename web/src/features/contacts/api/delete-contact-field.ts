import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/contact-fields/{id} (admin+): 204; every value of the field is removed. */
export function deleteContactField(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/contact-fields/${id}`);
}

export function useDeleteContactField() {
  return useInvalidatingMutation(deleteContactField, [queryKeys.contactFields, queryKeys.contacts]);
}
