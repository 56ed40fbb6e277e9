import { describe, expect, it } from 'vitest';
import { fields } from '../test-fixtures';
import {
  activeFilterCount,
  defaultSort,
  describeCondition,
  emptyFilter,
  filterParams,
  nextSort,
  operatorsFor,
  readContactsView,
  writeContactsView,
} from './contact-filter';

describe('contacts view and the URL', () => {
  it('reads every filter from the API parameter names', () => {
    const view = readContactsView(
      new URLSearchParams(
        'q=ana&tag=vip&tag=jakarta&not_tag=churned&consent=opted_in&created_after=2026-01-01' +
          '&created_before=2026-02-01&field.age.gte=18&field.city.contains=jak&field.member=true' +
          '&field.plan.exists=false&sort=-name&columns=city,age',
      ),
    );
    expect(view).toEqual({
      filter: {
        q: 'ana',
        tags: ['vip', 'jakarta'],
        notTags: ['churned'],
        consent: 'opted_in',
        createdAfter: '2026-01-01',
        createdBefore: '2026-02-01',
        fields: [
          { key: 'age', op: 'gte', value: '18' },
          { key: 'city', op: 'contains', value: 'jak' },
          { key: 'member', op: 'eq', value: 'true' },
          { key: 'plan', op: 'exists', value: 'false' },
        ],
      },
      sort: { key: 'name', descending: true },
      columns: ['city', 'age'],
    });
  });

  it('round-trips through the URL', () => {
    const search =
      'q=ana&tag=vip&tag=jakarta&not_tag=churned&consent=unknown&field.age.lte=65&sort=phone&columns=city';
    expect(writeContactsView(readContactsView(new URLSearchParams(search))).toString()).toBe(
      search,
    );
  });

  it('ignores what it does not know rather than sending it', () => {
    const view = readContactsView(
      new URLSearchParams(
        'consent=maybe&sort=-password&field.Bad-Key=1&field.age.between=1&created_after=yesterday&columns=a,,B',
      ),
    );
    expect(view.filter).toEqual(emptyFilter);
    expect(view.sort).toEqual(defaultSort);
    expect(view.columns).toEqual(['a']);
  });

  it('leaves the default sort and empty values out of the URL', () => {
    expect(
      writeContactsView({
        filter: { ...emptyFilter, q: '  ' },
        sort: defaultSort,
        columns: [],
      }).toString(),
    ).toBe('');
  });
});

describe('filterParams', () => {
  it('is the JSON filter of bulk actions and exports: lists for tags, strings for the rest', () => {
    expect(
      filterParams({
        ...emptyFilter,
        q: ' ana ',
        tags: ['vip'],
        fields: [
          { key: 'age', op: 'gte', value: '18' },
          { key: 'city', op: 'eq', value: '' },
        ],
      }),
    ).toEqual({ q: 'ana', tag: ['vip'], 'field.age.gte': '18' });
  });

  it('counts the filters that are set', () => {
    expect(activeFilterCount(emptyFilter)).toBe(0);
    expect(
      activeFilterCount({
        ...emptyFilter,
        tags: ['a', 'b'],
        consent: 'opted_in',
        fields: [{ key: 'age', op: 'gte', value: '1' }],
      }),
    ).toBe(4);
  });
});

describe('sorting', () => {
  it('flips the active column and starts others at their natural order', () => {
    expect(nextSort(defaultSort, 'created_at')).toEqual({ key: 'created_at', descending: false });
    expect(nextSort(defaultSort, 'name')).toEqual({ key: 'name', descending: false });
    expect(nextSort(defaultSort, 'last_inbound_at')).toEqual({
      key: 'last_inbound_at',
      descending: true,
    });
  });
});

describe('field conditions', () => {
  it('offers the operators the API takes for each type', () => {
    expect(operatorsFor('text').map((option) => option.value)).toEqual([
      'eq',
      'contains',
      'exists',
    ]);
    expect(operatorsFor('number').map((option) => option.value)).toEqual([
      'eq',
      'gte',
      'lte',
      'exists',
    ]);
    expect(operatorsFor('boolean').map((option) => option.value)).toEqual(['eq', 'exists']);
  });

  it('says a condition in words', () => {
    const byKey = (key: string) => fields.find((field) => field.key === key);
    expect(describeCondition({ key: 'age', op: 'gte', value: '18' }, byKey('age'))).toBe(
      'Age is at least 18',
    );
    expect(describeCondition({ key: 'member', op: 'eq', value: 'false' }, byKey('member'))).toBe(
      'Member is no',
    );
    expect(describeCondition({ key: 'plan', op: 'exists', value: 'false' }, byKey('plan'))).toBe(
      'Plan has no value',
    );
    expect(describeCondition({ key: 'gone', op: 'eq', value: 'x' }, undefined)).toBe('gone is x');
  });
});
