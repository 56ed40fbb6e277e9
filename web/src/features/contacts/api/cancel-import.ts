import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { type Import, importQueryKey } from './get-import';
import { importsQueryKey } from './get-imports';

/** POST /api/v1/imports/{id}/cancel (editor+): 200 Import; rows already imported stay. */
export function cancelImport(id: number): Promise<Import> {
  return apiClient.post<Import>(`/api/v1/imports/${id}/cancel`);
}

export function useCancelImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelImport,
    onSuccess: (cancelled) => {
      queryClient.setQueryData<Import>(importQueryKey(cancelled.id), (previous) => ({
        ...cancelled,
        preview: cancelled.preview ?? previous?.preview ?? null,
      }));
      void queryClient.invalidateQueries({ queryKey: importsQueryKey });
      void queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
    },
  });
}
