import { ApiError, isApiError } from '@/lib/api-client';
import { uploadImportChunk } from '../api/upload-import-chunk';

// Sends a file to PUT /api/v1/imports/{id}/data in chunks of `max_chunk_bytes`. The server says
// where the upload stands after every chunk, and answers 409 with `details.bytes_received` when
// the offset is not where it stands (a chunk that arrived although its answer was lost, a second
// tab, a resumed upload): the upload then goes on from there. Network failures and 5xx answers are
// retried a few times with growing pauses before the upload gives up.

export interface UploadProgress {
  /** Bytes the server has. */
  sent: number;
  total: number;
  /** Over the last few chunks; null until two points are known. */
  bytesPerSecond: number | null;
}

export interface ChunkedUploadOptions {
  importId: number;
  file: Blob;
  chunkBytes: number;
  /** Where to start: 0, or the import's `bytes_received` when resuming. */
  offset: number;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Milliseconds; a seam for tests. */
  now?: () => number;
  /** Waits `ms` milliseconds; a seam for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Pauses before retrying a chunk; the upload fails after the last. */
export const chunkRetryDelaysMs = [1000, 3000, 8000];
/** Answers in a row that do not move the upload forward mean the server and this page disagree for good. */
const maxConflictsInARow = 3;
/** Chunks the speed is averaged over. */
const speedWindow = 5;

function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('The upload was stopped.', 'AbortError'));
      },
      { once: true },
    );
  });
}

function isRetryable(error: unknown): boolean {
  return isApiError(error) && (error.status === 0 || error.status >= 500);
}

/** The offset a 409 says the upload stands at, or null when the answer is something else. */
export function conflictOffset(error: unknown): number | null {
  if (!isApiError(error) || error.status !== 409) return null;
  const received = Number(error.details.bytes_received);
  return Number.isInteger(received) && received >= 0 ? received : null;
}

/** Resolves once the server has the whole file; rejects with the last error otherwise. */
export async function uploadInChunks({
  importId,
  file,
  chunkBytes,
  offset: start,
  onProgress,
  signal,
  now = () => performance.now(),
  sleep = waitFor,
}: ChunkedUploadOptions): Promise<void> {
  const total = file.size;
  const size = Math.max(1, chunkBytes);
  const samples: { at: number; sent: number }[] = [{ at: now(), sent: start }];
  let offset = start;
  let conflicts = 0;
  let failures = 0;

  const report = () => {
    samples.push({ at: now(), sent: offset });
    if (samples.length > speedWindow + 1) samples.shift();
    const first = samples[0]!;
    const seconds = (now() - first.at) / 1000;
    onProgress({
      sent: offset,
      total,
      bytesPerSecond: seconds > 0 && offset > first.sent ? (offset - first.sent) / seconds : null,
    });
  };

  onProgress({ sent: offset, total, bytesPerSecond: null });
  while (offset < total) {
    signal?.throwIfAborted();
    const chunk = file.slice(offset, Math.min(total, offset + size));
    try {
      const { bytes_received: received } = await uploadImportChunk(importId, offset, chunk, signal);
      failures = 0;
      // An answer that does not move the upload forward, again and again, would loop for ever.
      conflicts = received > offset ? 0 : conflicts + 1;
      if (conflicts >= maxConflictsInARow) {
        throw new ApiError({
          status: 200,
          code: 'unknown',
          message: 'The server stopped taking the file. Start the upload again.',
        });
      }
      offset = received;
      report();
    } catch (error) {
      const standsAt = conflictOffset(error);
      if (standsAt !== null) {
        conflicts = standsAt === offset ? conflicts + 1 : 0;
        if (conflicts >= maxConflictsInARow) throw error;
        offset = Math.min(standsAt, total);
        report();
        continue;
      }
      if (isRetryable(error) && failures < chunkRetryDelaysMs.length) {
        await sleep(chunkRetryDelaysMs[failures]!, signal);
        failures += 1;
        continue;
      }
      throw error;
    }
  }
}
