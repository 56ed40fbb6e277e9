import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

/** DELETE /api/v1/whatsapp/templates/{id} (editor+): 204; deleted at Meta too. */
export function deleteTemplate(id: number): Promise<void> {
  return apiClient.delete(`/api/v1/whatsapp/templates/${id}`);
}

export function useDeleteTemplate() {
  return useInvalidatingMutation(deleteTemplate, [queryKeys.whatsappTemplates]);
}
