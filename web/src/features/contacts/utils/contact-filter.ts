import type { ConsentState } from '../api/get-contact';
import type { ContactField, FieldType } from '../api/get-contact-fields';

// What the contacts page shows, as one value that round-trips through the page's URL. The URL
// uses the API's own parameter names (`?tag=vip&field.age.gte=18&sort=-name`), so a shared link
// reads like the request it makes, and the same names form the JSON filter of bulk actions and
// exports (docs/api.md, "Listing and filtering").

export type FieldOperator = 'eq' | 'contains' | 'gte' | 'lte' | 'exists';

/** One condition on a custom field, e.g. age at least 18 (`field.age.gte=18`). */
export interface FieldCondition {
  key: string;
  op: FieldOperator;
  /** As sent: `true`/`false` for booleans and for `exists`, `YYYY-MM-DD` for dates. */
  value: string;
}

export interface ContactFilter {
  /** Name contains, or phone starts with. */
  q: string;
  /** Has every one of these tags. */
  tags: string[];
  /** Has none of these tags. */
  notTags: string[];
  consent: ConsentState | null;
  createdAfter: string | null;
  createdBefore: string | null;
  fields: FieldCondition[];
}

export const emptyFilter: ContactFilter = {
  q: '',
  tags: [],
  notTags: [],
  consent: null,
  createdAfter: null,
  createdBefore: null,
  fields: [],
};

export type SortKey =
  'created_at' | 'updated_at' | 'name' | 'phone' | 'last_inbound_at' | 'last_outbound_at';

export interface ContactSort {
  key: SortKey;
  descending: boolean;
}

export const defaultSort: ContactSort = { key: 'created_at', descending: true };

const sortKeys: readonly SortKey[] = [
  'created_at',
  'updated_at',
  'name',
  'phone',
  'last_inbound_at',
  'last_outbound_at',
];

export interface ContactsView {
  filter: ContactFilter;
  sort: ContactSort;
  /** Keys of the custom fields shown as extra columns. */
  columns: string[];
}

const consentStates: readonly ConsentState[] = ['opted_in', 'opted_out', 'unknown'];
const fieldKeyPattern = /^[a-z0-9_]+$/;
const operatorSuffixes: readonly Exclude<FieldOperator, 'eq'>[] = [
  'contains',
  'gte',
  'lte',
  'exists',
];

/** `-created_at` for newest first. */
export function sortParam(sort: ContactSort): string {
  return `${sort.descending ? '-' : ''}${sort.key}`;
}

export function parseSort(value: string | null): ContactSort {
  if (!value) return defaultSort;
  const descending = value.startsWith('-');
  const key = (descending ? value.slice(1) : value) as SortKey;
  return sortKeys.includes(key) ? { key, descending } : defaultSort;
}

/** Clicking a column: the active one flips; a new one starts A–Z for text, newest for times. */
export function nextSort(current: ContactSort, key: SortKey): ContactSort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key !== 'name' && key !== 'phone' };
}

/** `field.age.gte` for age at least; `field.city` for city equals. */
export function fieldConditionParam(condition: FieldCondition): string {
  return condition.op === 'eq'
    ? `field.${condition.key}`
    : `field.${condition.key}.${condition.op}`;
}

function parseFieldParam(name: string, value: string): FieldCondition | null {
  const parts = name.split('.');
  if (parts[0] !== 'field' || parts.length < 2 || parts.length > 3) return null;
  const key = parts[1]!;
  if (!fieldKeyPattern.test(key)) return null;
  if (parts.length === 2) return { key, op: 'eq', value };
  const op = parts[2] as Exclude<FieldOperator, 'eq'>;
  return operatorSuffixes.includes(op) ? { key, op, value } : null;
}

/** A date (`YYYY-MM-DD`) or a full ISO time; anything else is dropped from the URL. */
function readTime(value: string | null): string | null {
  return value !== null && /^\d{4}-\d{2}-\d{2}/.test(value) ? value : null;
}

export function readContactsView(search: URLSearchParams): ContactsView {
  const consent = search.get('consent');
  const fields: FieldCondition[] = [];
  for (const [name, value] of search) {
    const condition = name.startsWith('field.') ? parseFieldParam(name, value) : null;
    if (condition) fields.push(condition);
  }
  const columns = (search.get('columns') ?? '')
    .split(',')
    .filter((key) => fieldKeyPattern.test(key));
  return {
    filter: {
      q: search.get('q') ?? '',
      tags: search.getAll('tag').filter(Boolean),
      notTags: search.getAll('not_tag').filter(Boolean),
      consent: consentStates.includes(consent as ConsentState) ? (consent as ConsentState) : null,
      createdAfter: readTime(search.get('created_after')),
      createdBefore: readTime(search.get('created_before')),
      fields,
    },
    sort: parseSort(search.get('sort')),
    columns: [...new Set(columns)],
  };
}

/**
 * The filter by API parameter names, leaving out what is empty: the query of GET /contacts and
 * the `filter` object of bulk actions and exports. Tags are lists; everything else a string.
 */
export function filterParams(filter: ContactFilter): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  const q = filter.q.trim();
  if (q !== '') params.q = q;
  if (filter.tags.length > 0) params.tag = filter.tags;
  if (filter.notTags.length > 0) params.not_tag = filter.notTags;
  if (filter.consent) params.consent = filter.consent;
  if (filter.createdAfter) params.created_after = filter.createdAfter;
  if (filter.createdBefore) params.created_before = filter.createdBefore;
  for (const condition of filter.fields) {
    if (condition.value !== '') params[fieldConditionParam(condition)] = condition.value;
  }
  return params;
}

export function writeContactsView(view: ContactsView): URLSearchParams {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(filterParams(view.filter))) {
    if (typeof value === 'string') search.set(name, value);
    else for (const item of value) search.append(name, item);
  }
  const sort = sortParam(view.sort);
  if (sort !== sortParam(defaultSort)) search.set('sort', sort);
  if (view.columns.length > 0) search.set('columns', view.columns.join(','));
  return search;
}

export function isFilterEmpty(filter: ContactFilter): boolean {
  return Object.keys(filterParams(filter)).length === 0;
}

/** How many filters are set (tags count one each): the badge on the Filters button. */
export function activeFilterCount(filter: ContactFilter): number {
  return (
    filter.tags.length +
    filter.notTags.length +
    (filter.consent ? 1 : 0) +
    (filter.createdAfter ? 1 : 0) +
    (filter.createdBefore ? 1 : 0) +
    filter.fields.filter((condition) => condition.value !== '').length
  );
}

export interface OperatorOption {
  value: FieldOperator;
  label: string;
}

const hasValue: OperatorOption = { value: 'exists', label: 'has a value or not' };

/** The operators the API allows for a field type, worded for people. */
export function operatorsFor(type: FieldType): OperatorOption[] {
  switch (type) {
    case 'text':
      return [{ value: 'eq', label: 'is' }, { value: 'contains', label: 'contains' }, hasValue];
    case 'number':
      return [
        { value: 'eq', label: 'equals' },
        { value: 'gte', label: 'is at least' },
        { value: 'lte', label: 'is at most' },
        hasValue,
      ];
    case 'date':
      return [
        { value: 'eq', label: 'is on' },
        { value: 'gte', label: 'is on or after' },
        { value: 'lte', label: 'is on or before' },
        hasValue,
      ];
    case 'boolean':
    case 'choice':
      return [{ value: 'eq', label: 'is' }, hasValue];
  }
}

/** "Age is at least 18", "City has a value": a condition as a sentence, for chips. */
export function describeCondition(
  condition: FieldCondition,
  field: ContactField | undefined,
): string {
  const label = field?.label ?? condition.key;
  if (condition.op === 'exists') {
    return condition.value === 'false' ? `${label} has no value` : `${label} has a value`;
  }
  const operator =
    operatorsFor(field?.type ?? 'text').find((option) => option.value === condition.op)?.label ??
    condition.op;
  const value =
    field?.type === 'boolean' ? (condition.value === 'true' ? 'yes' : 'no') : condition.value;
  return `${label} ${operator} ${value}`;
}
