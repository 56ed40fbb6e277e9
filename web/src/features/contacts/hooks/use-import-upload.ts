import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type Import, importQueryKey } from '../api/get-import';
import { uploadInChunks, type UploadProgress } from '../utils/chunked-upload';

export interface ImportUpload {
  importId: number;
  file: File;
  progress: UploadProgress;
  /** `done` once the server has every byte. */
  status: 'sending' | 'paused' | 'failed' | 'done';
  /** Why it failed. */
  error: unknown;
}

/**
 * The file upload of an import, owned by the import page so that it survives the page's move
 * from `/contacts/import` to `/contacts/import/{id}`. Leaving the page stops it; the import
 * stays in `uploading` and can be resumed by choosing the same file again.
 */
export function useImportUpload() {
  const queryClient = useQueryClient();
  const [upload, setUpload] = useState<ImportUpload | null>(null);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const update = (changes: Partial<ImportUpload>) =>
    setUpload((previous) => (previous ? { ...previous, ...changes } : previous));

  /** Sends `file` to `target` from `offset`; resolves when the upload ended, however it ended. */
  const send = async (target: Import, file: File, offset: number): Promise<void> => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setUpload({
      importId: target.id,
      file,
      progress: { sent: offset, total: file.size, bytesPerSecond: null },
      status: 'sending',
      error: null,
    });
    try {
      await uploadInChunks({
        importId: target.id,
        file,
        chunkBytes: target.max_chunk_bytes,
        offset,
        signal: current.signal,
        onProgress: (progress) => update({ progress }),
      });
      update({ status: 'done' });
      // The last chunk moved the import to `mapping`; its preview comes with it.
      await queryClient.invalidateQueries({ queryKey: importQueryKey(target.id) });
    } catch (error) {
      if (current.signal.aborted) return;
      update({ status: 'failed', error });
    }
  };

  /** Stops sending; `send` from `progress.sent` goes on. */
  const pause = () => {
    controller.current?.abort();
    controller.current = null;
    update({ status: 'paused' });
  };

  return { upload, send, pause };
}
