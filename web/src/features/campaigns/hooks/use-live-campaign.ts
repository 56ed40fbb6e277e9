import { type Query, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useChannelEvent, useRealtime } from '@/lib/realtime/context';
import { type Campaign, useCampaign } from '../api/get-campaign';
import { failuresQueryKey } from '../api/get-failures';
import { recipientsQueryKey } from '../api/get-recipients';
import { type CampaignSeries, seriesQueryKey, useSeries } from '../api/get-series';
import { type CampaignEvent, campaignTimelineQueryKey } from '../api/get-timeline';
import { applyLiveUpdate, parseLiveUpdate } from '../lib/cache';
import { intervalFor, mergeSeriesTail, parseSeriesTail } from '../lib/series';
import { useCampaignUpdates, usePollInterval } from './use-campaign-updates';

/** The campaign's own channel, which any member of the workspace may subscribe to. */
export function campaignChannel(id: number): string {
  return `private-campaign.${id}`;
}

export const campaignProgressEvent = 'campaign.progress';
export const campaignTimelineEvent = 'campaign.event';
/** Without a `campaign.progress` for this long, a running campaign's chart is fetched instead. */
export const progressTimeoutMs = 15_000;
/** Coarse series (1-minute and 10-minute points) are fetched again this often while running. */
export const coarseSeriesPollMs = 30_000;
/** Failures and the first pages of recipients follow the counters at most this often. */
export const detailRefreshMs = 5000;
/**
 * A recipients list scrolled further than this many pages is only marked stale: refetching
 * every page of a million rows every few seconds would cost more than it shows.
 */
export const maxLiveRecipientPages = 2;

function loadedPages(query: Query): number {
  const data = query.state.data as { pages?: unknown[] } | undefined;
  return data?.pages?.length ?? 0;
}

function parseTimelineEvent(data: unknown): CampaignEvent | null {
  if (data === null || typeof data !== 'object') return null;
  const event = data as Partial<CampaignEvent>;
  return typeof event.id === 'number' &&
    typeof event.at === 'string' &&
    typeof event.kind === 'string'
    ? (data as CampaignEvent)
    : null;
}

/** Adds `event` to a timeline (oldest first) unless it is there already. */
export function appendTimelineEvent(
  timeline: CampaignEvent[] | undefined,
  event: CampaignEvent,
): CampaignEvent[] | undefined {
  if (!timeline || timeline.some((known) => known.id === event.id)) return timeline;
  return [...timeline, event];
}

/**
 * A campaign's dashboard data, live: the campaign from `campaign.updated` and
 * `campaign.progress` (with the chart's latest buckets), the timeline from `campaign.event`,
 * the failures and the recipients' first pages refreshed as the counters move. While the
 * realtime connection is down, everything is polled every few seconds instead.
 */
export function useLiveCampaign(id: number) {
  const queryClient = useQueryClient();
  const { state } = useRealtime();
  const connected = state.status === 'connected';
  const pollMs = usePollInterval();
  const campaign = useCampaign(id, pollMs);
  const data: Campaign | undefined = campaign.data;
  const running = data?.state === 'running';

  // Recomputed as data arrives: a campaign that passes an hour switches to coarser points once.
  const interval = data
    ? intervalFor(data.started_at, data.finished_at, campaign.dataUpdatedAt)
    : '10s';

  const [progressLive, setProgressLive] = useState(false);
  const progressTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seriesPollMs: number | false = !connected
    ? pollMs
    : !running
      ? false
      : interval !== '10s'
        ? coarseSeriesPollMs
        : progressLive
          ? false
          : progressTimeoutMs;
  const series = useSeries(id, interval, data && data.state !== 'draft' ? seriesPollMs : false);

  useCampaignUpdates();

  const channel = campaignChannel(id);
  useChannelEvent(channel, campaignProgressEvent, (payload) => {
    const update = parseLiveUpdate(payload);
    if (update?.id !== id) return;
    applyLiveUpdate(queryClient, update);
    const tail = parseSeriesTail(payload);
    queryClient.setQueryData<CampaignSeries>(seriesQueryKey(id, interval), (shown) =>
      shown ? mergeSeriesTail(shown, tail) : shown,
    );
    setProgressLive(true);
    if (progressTimer.current !== null) clearTimeout(progressTimer.current);
    progressTimer.current = setTimeout(() => setProgressLive(false), progressTimeoutMs);
  });
  useChannelEvent(channel, campaignTimelineEvent, (payload) => {
    const event = parseTimelineEvent(payload);
    if (!event) return;
    queryClient.setQueryData<CampaignEvent[]>(campaignTimelineQueryKey(id), (timeline) =>
      appendTimelineEvent(timeline, event),
    );
  });

  // Failures and recipients follow the counters, throttled.
  const failed = data?.counters.failed;
  const counters = data ? JSON.stringify(data.counters) : null;
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFailed = useRef(failed);
  const lastCounters = useRef(counters);
  const failuresStale = useRef(false);
  useEffect(() => {
    if (lastFailed.current !== undefined && lastFailed.current !== failed) {
      failuresStale.current = true;
    }
    const moved = lastCounters.current !== null && lastCounters.current !== counters;
    lastFailed.current = failed;
    lastCounters.current = counters;
    if (!moved || !connected || refreshTimer.current !== null) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      if (failuresStale.current) {
        failuresStale.current = false;
        void queryClient.invalidateQueries({ queryKey: failuresQueryKey(id) });
      }
      void queryClient.invalidateQueries({
        queryKey: recipientsQueryKey(id),
        predicate: (query) => loadedPages(query) <= maxLiveRecipientPages,
      });
      void queryClient.invalidateQueries({
        queryKey: recipientsQueryKey(id),
        predicate: (query) => loadedPages(query) > maxLiveRecipientPages,
        refetchType: 'none',
      });
    }, detailRefreshMs);
  }, [failed, counters, connected, id, queryClient]);

  useEffect(
    () => () => {
      if (progressTimer.current !== null) clearTimeout(progressTimer.current);
      if (refreshTimer.current !== null) clearTimeout(refreshTimer.current);
    },
    [],
  );

  return { campaign, series, interval, pollMs, live: connected };
}
