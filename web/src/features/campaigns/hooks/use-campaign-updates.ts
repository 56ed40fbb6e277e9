import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useRealtime, useWorkspaceEvent } from '@/lib/realtime/context';
import { campaignListsKey } from '../api/get-campaigns';
import { applyLiveUpdate, parseLiveUpdate } from '../lib/cache';

/** On `private-workspace.{id}`: `{id, state, counters, rate}`, up to 4 a second per campaign. */
export const campaignUpdatedEvent = 'campaign.updated';
/** Polling while the realtime connection is down (or not up yet). */
export const fallbackPollMs = 4000;
/**
 * A campaign that is new to the lists or changed state may have to move or appear in them:
 * the lists are fetched again, at most this often.
 */
export const listRefreshMs = 1500;

/** Polling interval for data live events would otherwise bring: none while connected. */
export function usePollInterval(): number | false {
  const { state } = useRealtime();
  return state.status !== 'connected' ? fallbackPollMs : false;
}

/**
 * Keeps every campaign shown (list rows, a dashboard) current from `campaign.updated`, while the
 * calling page is mounted. Rows are patched in place, so only the row that changed re-renders.
 */
export function useCampaignUpdates(): void {
  const queryClient = useQueryClient();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useWorkspaceEvent(campaignUpdatedEvent, (data) => {
    const update = parseLiveUpdate(data);
    if (!update) return;
    const outcome = applyLiveUpdate(queryClient, update);
    if ((outcome.known && !outcome.stateChanged) || refreshTimer.current !== null) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      void queryClient.invalidateQueries({ queryKey: campaignListsKey });
    }, listRefreshMs);
  });

  useEffect(
    () => () => {
      if (refreshTimer.current !== null) clearTimeout(refreshTimer.current);
    },
    [],
  );
}
