import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { ContactField, FieldType } from './get-contact-fields';

export interface CreateContactFieldInput {
  label: string;
  type: FieldType;
  key?: string;
  choices?: string[];
}

/** POST /api/v1/contact-fields (admin+): 201 Field; 409 when the key exists. */
export function createContactField(input: CreateContactFieldInput): Promise<ContactField> {
  return apiClient.post<ContactField>('/api/v1/contact-fields', input);
}

export function useCreateContactField() {
  return useInvalidatingMutation(createContactField, [queryKeys.contactFields]);
}
