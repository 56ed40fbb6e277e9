import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { ContactField } from './get-contact-fields';

export interface UpdateContactFieldInput {
  id: number;
  label?: string;
  choices?: string[];
}

/** PATCH /api/v1/contact-fields/{id} (admin+): 200 Field; the type cannot change. */
export function updateContactField({
  id,
  ...changes
}: UpdateContactFieldInput): Promise<ContactField> {
  return apiClient.patch<ContactField>(`/api/v1/contact-fields/${id}`, changes);
}

export function useUpdateContactField() {
  return useInvalidatingMutation(updateContactField, [queryKeys.contactFields]);
}
