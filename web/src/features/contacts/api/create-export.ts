import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type ContactExport, exportQueryKey } from './get-export';

export interface CreateExportInput {
  /** The contacts filter by API names, as for GET /contacts; every contact when absent. */
  filter?: Record<string, string | string[]>;
  /** `created_at`, `-name`, …, as for GET /contacts. */
  sort?: string;
}

/** POST /api/v1/exports (editor+): 202 Export, written in the background. */
export function createExport(input: CreateExportInput): Promise<ContactExport> {
  return apiClient.post<ContactExport>('/api/v1/exports', input);
}

export function useCreateExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createExport,
    onSuccess: (created) => queryClient.setQueryData(exportQueryKey(created.id), created),
  });
}
