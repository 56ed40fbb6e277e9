import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import {
  type ContactExport,
  exportQueryKey,
  exportQueryOptions,
  isExportActive,
} from '../api/get-export';
import { eventId, useProgressPollInterval } from './live-updates';

export const exportProgressEvent = 'export.progress';

/** One export, kept current from `export.progress` events, with polling when they do not arrive. */
export function useLiveExport(id: number | null) {
  const queryClient = useQueryClient();
  const pollMs = useProgressPollInterval();
  const query = useQuery({
    ...exportQueryOptions(id ?? 0),
    enabled: id !== null,
    refetchInterval: (current) => {
      const state = current.state.data?.state;
      return state && isExportActive(state) ? pollMs : false;
    },
  });

  useWorkspaceEvent(exportProgressEvent, (data) => {
    if (id === null || eventId(data) !== id) return;
    queryClient.setQueryData<ContactExport>(exportQueryKey(id), data as ContactExport);
  });

  return query;
}
