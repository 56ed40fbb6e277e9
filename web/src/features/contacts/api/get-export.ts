import { queryOptions } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type ExportState = 'queued' | 'running' | 'completed' | 'failed';

export interface ContactExport {
  id: number;
  state: ExportState;
  /** Rows written so far. */
  rows: number;
  /** Rows the export will have; null until counted. */
  total: number | null;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

export function isExportActive(state: ExportState): boolean {
  return state === 'queued' || state === 'running';
}

export function exportQueryKey(id: number) {
  return [...queryKeys.exports, id] as const;
}

/** GET /api/v1/exports/{id}. */
export function getExport(id: number, signal?: AbortSignal): Promise<ContactExport> {
  return apiClient.get<ContactExport>(`/api/v1/exports/${id}`, undefined, signal);
}

export function exportQueryOptions(id: number) {
  return queryOptions({
    queryKey: exportQueryKey(id),
    queryFn: ({ signal }) => getExport(id, signal),
  });
}

/** GET /api/v1/exports/{id}/download: the CSV with every column, tags and custom field. */
export function exportDownloadUrl(id: number): string {
  return `/api/v1/exports/${id}/download`;
}
