import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Page } from '@/lib/api-client';
import {
  type Campaign,
  type CampaignLiveUpdate,
  campaignQueryKey,
  type CampaignState,
} from '../api/get-campaign';
import { campaignListsKey } from '../api/get-campaigns';

// Campaigns live in two places of the cache: their own entry (the dashboard, the editor) and the
// rows of the loaded list pages. Server answers and live events go through here, so both stay
// the same object.
//
// A control's new state is shown only once the server confirmed it. Events are coalesced and
// sent on their own socket, so one sent just before a pause can arrive just after the pause's
// answer; for a short while after a confirmation, an event's different state is not believed
// (its counters are). Finished states are final: nothing moves a campaign out of them.

/** How long a confirmed state outranks the state of live events. */
export const confirmedStateGraceMs = 3000;

const finalStates: ReadonlySet<CampaignState> = new Set(['completed', 'stopped', 'failed']);

export function isFinalState(state: CampaignState): boolean {
  return finalStates.has(state);
}

interface Confirmation {
  state: CampaignState;
  until: number;
}

// Per cache, so that each test's client and each signed-in session start clean.
const confirmations = new WeakMap<QueryClient, Map<number, Confirmation>>();

function confirmationsOf(queryClient: QueryClient): Map<number, Confirmation> {
  let map = confirmations.get(queryClient);
  if (!map) {
    map = new Map();
    confirmations.set(queryClient, map);
  }
  return map;
}

type CampaignPages = InfiniteData<Page<Campaign>, string | null>;

/** Replaces campaign `id` in every loaded list page; true when some list had it. */
function patchLists(
  queryClient: QueryClient,
  id: number,
  update: (campaign: Campaign) => Campaign,
): boolean {
  let found = false;
  queryClient.setQueriesData<CampaignPages>({ queryKey: campaignListsKey }, (lists) => {
    if (!lists?.pages) return lists;
    let changed = false;
    const pages = lists.pages.map((page) => {
      const index = page.data.findIndex((campaign) => campaign.id === id);
      if (index < 0) return page;
      found = true;
      const next = update(page.data[index]!);
      if (next === page.data[index]) return page;
      changed = true;
      const data = page.data.slice();
      data[index] = next;
      return { ...page, data };
    });
    return changed ? { ...lists, pages } : lists;
  });
  return found;
}

/**
 * Stores a campaign the server answered with. `confirmed` marks the answer to a control
 * (pause, resume, stop, launch): its state outranks live events for a moment.
 */
export function storeCampaign(
  queryClient: QueryClient,
  campaign: Campaign,
  { confirmed = false, now = Date.now() }: { confirmed?: boolean; now?: number } = {},
): void {
  if (confirmed) {
    confirmationsOf(queryClient).set(campaign.id, {
      state: campaign.state,
      until: now + confirmedStateGraceMs,
    });
  }
  queryClient.setQueryData(campaignQueryKey(campaign.id), campaign);
  patchLists(queryClient, campaign.id, () => campaign);
}

/** The state to show for an event's `state`, given what is shown and what was confirmed. */
export function believedState(
  shown: CampaignState | undefined,
  reported: CampaignState,
  confirmation: Confirmation | undefined,
  now: number,
): CampaignState {
  if (shown !== undefined && isFinalState(shown) && !isFinalState(reported)) return shown;
  if (confirmation && now < confirmation.until && reported !== confirmation.state) {
    return shown ?? confirmation.state;
  }
  return reported;
}

export interface LiveUpdateOutcome {
  /** Some list or the campaign's own entry had the campaign. */
  known: boolean;
  /** The state shown changed. */
  stateChanged: boolean;
}

/** Applies a `campaign.updated` / `campaign.progress` payload to whatever shows the campaign. */
export function applyLiveUpdate(
  queryClient: QueryClient,
  update: CampaignLiveUpdate,
  now = Date.now(),
): LiveUpdateOutcome {
  const confirmation = confirmationsOf(queryClient).get(update.id);
  let stateChanged = false;
  const merge = (campaign: Campaign): Campaign => {
    const state = believedState(campaign.state, update.state, confirmation, now);
    if (state !== campaign.state) stateChanged = true;
    return { ...campaign, state, counters: update.counters, rate: update.rate };
  };
  const key = campaignQueryKey(update.id);
  const own = queryClient.getQueryData<Campaign>(key);
  if (own) queryClient.setQueryData<Campaign>(key, merge(own));
  const listed = patchLists(queryClient, update.id, merge);
  return { known: own !== undefined || listed, stateChanged };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const states: readonly CampaignState[] = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'stopped',
  'failed',
];

/** The payload of `campaign.updated` / `campaign.progress`, or null when it is not one. */
export function parseLiveUpdate(data: unknown): CampaignLiveUpdate | null {
  if (!isRecord(data)) return null;
  const { id, state, counters, rate } = data;
  if (typeof id !== 'number' || !states.includes(state as CampaignState)) return null;
  if (!isRecord(counters) || typeof counters.planned !== 'number') return null;
  if (!isRecord(rate)) return null;
  return data as unknown as CampaignLiveUpdate;
}
