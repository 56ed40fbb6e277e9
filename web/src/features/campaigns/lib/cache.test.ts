import { describe, expect, it } from 'vitest';
import { createTestQueryClient } from '@/testing/render';
import { campaignQueryKey } from '../api/get-campaign';
import { campaignListsKey } from '../api/get-campaigns';
import { makeCampaign, makeCounters } from '../test-fixtures';
import {
  applyLiveUpdate,
  believedState,
  confirmedStateGraceMs,
  parseLiveUpdate,
  storeCampaign,
} from './cache';

describe('believedState', () => {
  const now = 1_000_000;

  it('takes the reported state when nothing was confirmed lately', () => {
    expect(believedState('running', 'paused', undefined, now)).toBe('paused');
    expect(believedState('paused', 'running', { state: 'paused', until: now - 1 }, now)).toBe(
      'running',
    );
  });

  it('keeps a freshly confirmed state against an older event', () => {
    expect(believedState('paused', 'running', { state: 'paused', until: now + 10 }, now)).toBe(
      'paused',
    );
    expect(believedState('paused', 'paused', { state: 'paused', until: now + 10 }, now)).toBe(
      'paused',
    );
  });

  it('never moves a finished campaign back', () => {
    expect(believedState('stopped', 'running', undefined, now)).toBe('stopped');
    expect(believedState('completed', 'paused', undefined, now)).toBe('completed');
    expect(believedState('running', 'completed', undefined, now)).toBe('completed');
  });
});

describe('applyLiveUpdate', () => {
  it('patches the campaign and its list rows, and says whether anything had it', () => {
    const queryClient = createTestQueryClient();
    const other = makeCampaign({ id: 5, name: 'Other' });
    queryClient.setQueryData([...campaignListsKey, {}], {
      pages: [{ data: [makeCampaign(), other], next_cursor: null }],
      pageParams: [null],
    });
    const counters = makeCounters({ sent: 1000 });
    const outcome = applyLiveUpdate(queryClient, {
      id: 4,
      state: 'paused',
      counters,
      rate: { current_mps: 0, eta_seconds: null },
    });
    expect(outcome).toEqual({ known: true, stateChanged: true });
    const lists = queryClient.getQueryData<{ pages: { data: { id: number }[] }[] }>([
      ...campaignListsKey,
      {},
    ]);
    expect(lists?.pages[0]?.data[0]).toMatchObject({ id: 4, state: 'paused', counters });
    // The other row is the same object: its row does not re-render.
    expect(lists?.pages[0]?.data[1]).toBe(other);

    expect(
      applyLiveUpdate(queryClient, {
        id: 99,
        state: 'running',
        counters,
        rate: { current_mps: 1, eta_seconds: 1 },
      }),
    ).toEqual({ known: false, stateChanged: false });
  });

  it('believes the confirmed state for a moment after a control answered', () => {
    const queryClient = createTestQueryClient();
    const now = 5_000_000;
    storeCampaign(queryClient, makeCampaign({ state: 'paused' }), { confirmed: true, now });
    const stale = {
      id: 4,
      state: 'running' as const,
      counters: makeCounters({ sent: 900 }),
      rate: { current_mps: 40, eta_seconds: 5 },
    };
    applyLiveUpdate(queryClient, stale, now + 100);
    expect(queryClient.getQueryData(campaignQueryKey(4))).toMatchObject({
      state: 'paused',
      counters: { sent: 900 },
    });
    // Later, a running state is news (someone resumed it).
    applyLiveUpdate(queryClient, stale, now + confirmedStateGraceMs + 1);
    expect(queryClient.getQueryData(campaignQueryKey(4))).toMatchObject({ state: 'running' });
  });
});

describe('parseLiveUpdate', () => {
  it('accepts the documented payload and refuses others', () => {
    const update = {
      id: 4,
      state: 'running',
      counters: makeCounters(),
      rate: { current_mps: 1, eta_seconds: 3 },
    };
    expect(parseLiveUpdate(update)).toBe(update);
    expect(parseLiveUpdate({ ...update, state: 'exploded' })).toBeNull();
    expect(parseLiveUpdate({ ...update, id: '4' })).toBeNull();
    expect(parseLiveUpdate({ id: 4, state: 'running' })).toBeNull();
    expect(parseLiveUpdate(null)).toBeNull();
  });
});
