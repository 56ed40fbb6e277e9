import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

export interface SyncResult {
  /** Templates fetched from Meta and stored (new or updated). */
  synced: number;
  /** Templates Kirim had that Meta no longer has. */
  removed: number;
}

/** POST /api/v1/whatsapp/accounts/{id}/templates/sync (editor+): 200 SyncResult. */
export function syncTemplates(accountId: number): Promise<SyncResult> {
  return apiClient.post<SyncResult>(`/api/v1/whatsapp/accounts/${accountId}/templates/sync`);
}

export function useSyncTemplates() {
  return useInvalidatingMutation(syncTemplates, [queryKeys.whatsappTemplates]);
}
