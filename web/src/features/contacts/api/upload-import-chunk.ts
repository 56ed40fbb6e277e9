import { apiRequest } from '@/lib/api-client';

/**
 * PUT /api/v1/imports/{id}/data?offset=N (editor+): appends `chunk` (at most `max_chunk_bytes`)
 * at `offset`. 409 conflict with `details.bytes_received` when the upload stands elsewhere; the
 * last chunk moves the import to `mapping` with its preview.
 */
export function uploadImportChunk(
  id: number,
  offset: number,
  chunk: Blob,
  signal?: AbortSignal,
): Promise<{ bytes_received: number }> {
  return apiRequest<{ bytes_received: number }>(`/api/v1/imports/${id}/data`, {
    method: 'PUT',
    query: { offset },
    rawBody: chunk,
    contentType: 'text/csv',
    signal,
  });
}
