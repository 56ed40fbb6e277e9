import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { ConsentState, Contact, FieldValue } from './get-contact';

export interface CreateContactInput {
  /** Any common format; numbers without `+` are read in the workspace's default region. */
  phone: string;
  name?: string;
  language?: string;
  country?: string;
  timezone?: string;
  tags?: string[];
  fields?: Record<string, FieldValue>;
  consent?: ConsentState;
}

/** POST /api/v1/contacts (editor+): 201 Contact; 409 conflict with `details.id` when it exists. */
export function createContact(input: CreateContactInput): Promise<Contact> {
  return apiClient.post<Contact>('/api/v1/contacts', input);
}

export function useCreateContact() {
  return useInvalidatingMutation(createContact, [queryKeys.contacts, queryKeys.tags]);
}
