import { queryOptions } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { ConsentState } from './get-contact';
import type { FieldType } from './get-contact-fields';

export type ImportState =
  'uploading' | 'mapping' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A field made by the import for a column (`"target": "new_field"`). */
export interface NewFieldSpec {
  label: string;
  type: FieldType;
  choices?: string[];
}

/**
 * Where a column goes: `phone`, `name`, `language`, `country`, `timezone`, `consent`, `tags`,
 * `field:KEY`, `new_field` (with `field`) or `ignore`.
 */
export interface ColumnMapping {
  column: number;
  target: string;
  field?: NewFieldSpec;
}

export interface ImportPreview {
  delimiter: string;
  has_header: boolean;
  headers: string[];
  /** Up to 10 rows after the header. */
  rows: string[][];
  suggested_mapping: ColumnMapping[];
}

export type DedupeMode = 'update' | 'skip';

export interface ImportSettings {
  mapping: ColumnMapping[];
  dedupe: DedupeMode;
  tags: string[];
  consent: ConsentState;
  has_header: boolean;
}

export interface ImportProgress {
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  /** Bytes of the file read so far. */
  bytes: number;
  /** Null until the import has run long enough to measure. */
  rows_per_second: number | null;
  eta_seconds: number | null;
}

export interface Import {
  id: number;
  filename: string;
  state: ImportState;
  size_bytes: number;
  bytes_received: number;
  /** The largest chunk `PUT .../data` takes. */
  max_chunk_bytes: number;
  /** Set once the whole file is in; left out of realtime events. */
  preview?: ImportPreview | null;
  settings: ImportSettings | null;
  progress: ImportProgress | null;
  error: string | null;
  created_by: { id: number; name: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** States in which the import is still on its way; the others are final. */
export function isImportActive(state: ImportState): boolean {
  return state === 'queued' || state === 'running';
}

export function isImportFinished(state: ImportState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

export function importQueryKey(id: number) {
  return [...queryKeys.imports, 'detail', id] as const;
}

/** GET /api/v1/imports/{id}. */
export function getImport(id: number, signal?: AbortSignal): Promise<Import> {
  return apiClient.get<Import>(`/api/v1/imports/${id}`, undefined, signal);
}

export function importQueryOptions(id: number) {
  return queryOptions({
    queryKey: importQueryKey(id),
    queryFn: ({ signal }) => getImport(id, signal),
  });
}

/** GET /api/v1/imports/{id}/errors.csv: `line,reason,row` for every failed row. */
export function importErrorsUrl(id: number): string {
  return `/api/v1/imports/${id}/errors.csv`;
}
