import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { ConsentState } from './get-contact';
import { type ColumnMapping, type DedupeMode, type Import, importQueryKey } from './get-import';
import { importsQueryKey } from './get-imports';

export interface StartImportInput {
  id: number;
  mapping: ColumnMapping[];
  dedupe: DedupeMode;
  tags: string[];
  consent: ConsentState;
  has_header: boolean;
}

/**
 * POST /api/v1/imports/{id}/start (editor+): 202 Import in `queued`; `validation_failed` for a
 * mapping without a phone column, an unknown field or a column out of range.
 */
export function startImport({ id, ...settings }: StartImportInput): Promise<Import> {
  return apiClient.post<Import>(`/api/v1/imports/${id}/start`, settings);
}

export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startImport,
    onSuccess: (started) => {
      queryClient.setQueryData<Import>(importQueryKey(started.id), (previous) => ({
        ...started,
        preview: started.preview ?? previous?.preview ?? null,
      }));
      void queryClient.invalidateQueries({ queryKey: importsQueryKey });
    },
  });
}
