import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type Import, importQueryKey } from './get-import';
import { importsQueryKey } from './get-imports';

export interface CreateImportInput {
  filename: string;
  size_bytes: number;
}

/** POST /api/v1/imports (editor+): 201 Import in `uploading`, with its `max_chunk_bytes`. */
export function createImport(input: CreateImportInput): Promise<Import> {
  return apiClient.post<Import>('/api/v1/imports', input);
}

export function useCreateImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createImport,
    onSuccess: (created) => {
      queryClient.setQueryData(importQueryKey(created.id), created);
      void queryClient.invalidateQueries({ queryKey: importsQueryKey });
    },
  });
}
