import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import {
  type Import,
  importQueryKey,
  importQueryOptions,
  isImportActive,
  isImportFinished,
} from '../api/get-import';
import { importsQueryKey } from '../api/get-imports';
import { eventId, useProgressPollInterval } from './live-updates';

export const importProgressEvent = 'import.progress';

/**
 * One import, kept current while it runs: from `import.progress` events, with polling when they
 * do not arrive. When it ends, the contacts, tags and the imports list are refreshed.
 */
export function useLiveImport(id: number) {
  const queryClient = useQueryClient();
  const pollMs = useProgressPollInterval();
  const query = useQuery({
    ...importQueryOptions(id),
    refetchInterval: (current) => {
      const state = current.state.data?.state;
      return state && isImportActive(state) ? pollMs : false;
    },
  });

  useWorkspaceEvent(importProgressEvent, (data) => {
    if (eventId(data) !== id) return;
    queryClient.setQueryData<Import>(importQueryKey(id), (previous) => ({
      ...(data as Import),
      // Events leave the preview out; it does not change once the file is in.
      preview: (data as Import).preview ?? previous?.preview ?? null,
    }));
  });

  const state = query.data?.state;
  const previousState = useRef(state);
  useEffect(() => {
    const before = previousState.current;
    previousState.current = state;
    if (state && before && before !== state && isImportFinished(state)) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.contacts });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tags });
      void queryClient.invalidateQueries({ queryKey: queryKeys.contactFields });
      void queryClient.invalidateQueries({ queryKey: importsQueryKey });
    }
  }, [state, queryClient]);

  return query;
}
