import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Tag } from './get-tags';

export interface UpdateTagInput {
  id: number;
  name: string;
}

/** PATCH /api/v1/tags/{id} (editor+): 200 Tag; every contact keeps it under the new name. */
export function updateTag({ id, name }: UpdateTagInput): Promise<Tag> {
  return apiClient.patch<Tag>(`/api/v1/tags/${id}`, { name });
}

export function useUpdateTag() {
  return useInvalidatingMutation(updateTag, [queryKeys.tags, queryKeys.contacts]);
}
