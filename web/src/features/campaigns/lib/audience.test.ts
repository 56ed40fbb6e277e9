import { describe, expect, it } from 'vitest';
import {
  audienceChangeBody,
  audienceDraftFrom,
  audienceFromDraft,
  emptyFilterDraft,
  filterDraftFrom,
  filterFromDraft,
  parseContactIds,
} from './audience';

describe('the audience filter', () => {
  it('round-trips the contact list parameters, keeping ones it does not edit', () => {
    const filter = {
      tag: ['vip', 'jakarta'],
      not_tag: ['churned'],
      consent: 'opted_in',
      'field.age.gte': '18',
      'field.city': 'Jakarta',
      created_after: '2026-01-01',
    };
    const draft = filterDraftFrom(filter);
    expect(draft).toEqual({
      tags: ['vip', 'jakarta'],
      notTags: ['churned'],
      consent: 'opted_in',
      fields: [
        { key: 'age', op: 'gte', value: '18' },
        { key: 'city', op: 'eq', value: 'Jakarta' },
      ],
      other: { created_after: '2026-01-01' },
    });
    expect(filterFromDraft(draft)).toEqual(filter);
  });

  it('reads a single tag given as a string', () => {
    expect(filterDraftFrom({ tag: 'vip' }).tags).toEqual(['vip']);
  });

  it('sends everyone as an empty filter, with the exclusions and the cap', () => {
    const draft = audienceDraftFrom({
      filter: {},
      exclude_tags: ['churned'],
      frequency_cap_days: 7,
    });
    expect(draft.mode).toBe('everyone');
    expect(
      audienceFromDraft({ ...draft, filter: { ...emptyFilterDraft, tags: ['ignored'] } }),
    ).toEqual({
      filter: {},
      exclude_tags: ['churned'],
      contact_ids: [],
      frequency_cap_days: 7,
      include_unknown_consent: false,
    });
  });
});

describe('audience changes', () => {
  it('builds add and exclude bodies from filters or ids', () => {
    expect(
      audienceChangeBody(4, 'add', 'filter', { ...emptyFilterDraft, tags: ['vip'] }, ''),
    ).toEqual({ id: 4, add: { filter: { tag: ['vip'] } } });
    expect(audienceChangeBody(4, 'exclude', 'ids', emptyFilterDraft, '12, 15\n19 12')).toEqual({
      id: 4,
      exclude: { contact_ids: [12, 15, 19] },
    });
  });

  it('refuses an empty filter and ids that are not ids', () => {
    expect(typeof audienceChangeBody(4, 'add', 'filter', emptyFilterDraft, '')).toBe('string');
    expect(typeof audienceChangeBody(4, 'add', 'ids', emptyFilterDraft, '12, abc')).toBe('string');
    expect(typeof audienceChangeBody(4, 'add', 'ids', emptyFilterDraft, '  ')).toBe('string');
    expect(parseContactIds('0')).toBeNull();
  });
});
