import { useState } from 'react';
import type { BulkTarget } from '../api/bulk-update-contacts';

// Which rows of the contacts table are selected: some loaded rows by id, or every contact that
// matches the filter ("select all N matching"), which a bulk action then sends as the filter
// itself rather than as a million ids. A new filter starts with nothing selected.

type Selected = { kind: 'some'; ids: ReadonlySet<number>; anchor: number | null } | { kind: 'all' };

const nothing: Selected = { kind: 'some', ids: new Set(), anchor: null };

export interface ContactSelection {
  /** Every contact matching the filter, loaded or not. */
  allMatching: boolean;
  /** How many are selected, given how many match. */
  count: (total: number) => number;
  isSelected: (id: number) => boolean;
  /** Every loaded row is selected. */
  allLoadedSelected: (loadedIds: readonly number[]) => boolean;
  /** Clicks a row's checkbox; with Shift, the rows since the last click follow it. */
  toggle: (index: number, loadedIds: readonly number[], range: boolean) => void;
  /** The header checkbox: selects every loaded row, or clears when all are. */
  toggleAllLoaded: (loadedIds: readonly number[]) => void;
  selectAllMatching: () => void;
  clear: () => void;
  /** What a bulk action sends: the ids, or the filter for "all matching". */
  target: (filter: Record<string, string | string[]>) => BulkTarget;
}

export function useContactSelection(filterKey: string): ContactSelection {
  const [state, setState] = useState<{ key: string; selected: Selected }>({
    key: filterKey,
    selected: nothing,
  });
  const selected = state.key === filterKey ? state.selected : nothing;
  const set = (next: Selected) => setState({ key: filterKey, selected: next });

  const isSelected = (id: number) => selected.kind === 'all' || selected.ids.has(id);

  return {
    allMatching: selected.kind === 'all',
    count: (total) => (selected.kind === 'all' ? total : selected.ids.size),
    isSelected,
    allLoadedSelected: (loadedIds) => loadedIds.length > 0 && loadedIds.every(isSelected),
    toggle: (index, loadedIds, range) => {
      const id = loadedIds[index];
      if (id === undefined) return;
      const ids = new Set(selected.kind === 'all' ? loadedIds : selected.ids);
      const select = !isSelected(id);
      const anchor = selected.kind === 'some' ? selected.anchor : null;
      const [from, to] =
        range && anchor !== null
          ? [Math.min(anchor, index), Math.max(anchor, index)]
          : [index, index];
      for (let at = from; at <= to; at += 1) {
        const rowId = loadedIds[at];
        if (rowId === undefined) continue;
        if (select) ids.add(rowId);
        else ids.delete(rowId);
      }
      set({ kind: 'some', ids, anchor: index });
    },
    toggleAllLoaded: (loadedIds) => {
      const all = loadedIds.length > 0 && loadedIds.every(isSelected);
      set(all ? nothing : { kind: 'some', ids: new Set(loadedIds), anchor: null });
    },
    selectAllMatching: () => set({ kind: 'all' }),
    clear: () => set(nothing),
    target: (filter) =>
      selected.kind === 'all' ? { filter } : { ids: [...selected.ids].sort((a, b) => a - b) },
  };
}
