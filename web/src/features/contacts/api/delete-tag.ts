import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/tags/{id} (editor+): 204; every contact loses the tag. */
export function deleteTag(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/tags/${id}`);
}

export function useDeleteTag() {
  return useInvalidatingMutation(deleteTag, [queryKeys.tags, queryKeys.contacts]);
}
