import type { ChangeAudienceInput } from '../api/change-audience';
import type { AudienceFilter, CampaignAudience } from '../api/get-campaign';
import type { FieldType } from '../api/get-contact-fields';

// The audience as the editor holds it, and as the API takes it: `filter` uses the contact
// list's parameter names (docs/api.md, "Listing and filtering"), so a campaign reaches exactly
// the contacts the contacts page shows for the same filters.

export type FieldOperator = 'eq' | 'contains' | 'gte' | 'lte' | 'exists';
export type ConsentFilter = 'opted_in' | 'opted_out' | 'unknown';

export interface FieldCondition {
  key: string;
  op: FieldOperator;
  value: string;
}

export interface FilterDraft {
  tags: string[];
  notTags: string[];
  consent: ConsentFilter | null;
  fields: FieldCondition[];
  /** Parameters this builder does not edit (`q`, `created_after`…), kept as they were. */
  other: AudienceFilter;
}

export const emptyFilterDraft: FilterDraft = {
  tags: [],
  notTags: [],
  consent: null,
  fields: [],
  other: {},
};

export interface AudienceDraft {
  /** Every opted-in contact (`filter: {}`), or those matching `filter`. */
  mode: 'everyone' | 'filter';
  filter: FilterDraft;
  excludeTags: string[];
  /** 0: no cap. */
  frequencyCapDays: number;
  includeUnknownConsent: boolean;
  /** An audience chosen by id (through the API) is kept as it is. */
  contactIds: number[];
}

export const emptyAudienceDraft: AudienceDraft = {
  mode: 'everyone',
  filter: emptyFilterDraft,
  excludeTags: [],
  frequencyCapDays: 0,
  includeUnknownConsent: false,
  contactIds: [],
};

const consents: readonly ConsentFilter[] = ['opted_in', 'opted_out', 'unknown'];
const operators: readonly FieldOperator[] = ['contains', 'gte', 'lte', 'exists'];
const fieldParam = /^field\.([a-z0-9_]+)(?:\.(contains|gte|lte|exists))?$/;

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item) => item !== '');
}

export function fieldConditionParam(condition: FieldCondition): string {
  return condition.op === 'eq'
    ? `field.${condition.key}`
    : `field.${condition.key}.${condition.op}`;
}

export function filterDraftFrom(filter: AudienceFilter | undefined): FilterDraft {
  const draft: FilterDraft = { tags: [], notTags: [], consent: null, fields: [], other: {} };
  for (const [name, value] of Object.entries(filter ?? {})) {
    const field = fieldParam.exec(name);
    if (name === 'tag') draft.tags = asList(value);
    else if (name === 'not_tag') draft.notTags = asList(value);
    else if (name === 'consent' && consents.includes(value as ConsentFilter)) {
      draft.consent = value as ConsentFilter;
    } else if (field && typeof value === 'string') {
      const op = (field[2] ?? 'eq') as FieldOperator;
      if (op === 'eq' || operators.includes(op)) draft.fields.push({ key: field[1]!, op, value });
    } else draft.other[name] = value;
  }
  return draft;
}

/** The draft as the API's filter object, leaving out what is empty. */
export function filterFromDraft(draft: FilterDraft): AudienceFilter {
  const filter: AudienceFilter = { ...draft.other };
  if (draft.tags.length > 0) filter.tag = draft.tags;
  if (draft.notTags.length > 0) filter.not_tag = draft.notTags;
  if (draft.consent) filter.consent = draft.consent;
  for (const condition of draft.fields) {
    if (condition.value !== '') filter[fieldConditionParam(condition)] = condition.value;
  }
  return filter;
}

export function isFilterDraftEmpty(draft: FilterDraft): boolean {
  return Object.keys(filterFromDraft(draft)).length === 0;
}

export function audienceDraftFrom(audience: CampaignAudience | undefined): AudienceDraft {
  const filter = filterDraftFrom(audience?.filter);
  const contactIds = audience?.contact_ids ?? [];
  return {
    mode: isFilterDraftEmpty(filter) ? 'everyone' : 'filter',
    filter,
    excludeTags: audience?.exclude_tags ?? [],
    frequencyCapDays: audience?.frequency_cap_days ?? 0,
    includeUnknownConsent: audience?.include_unknown_consent ?? false,
    contactIds,
  };
}

export function audienceFromDraft(draft: AudienceDraft): CampaignAudience {
  return {
    filter: draft.mode === 'everyone' ? {} : filterFromDraft(draft.filter),
    exclude_tags: draft.excludeTags,
    contact_ids: draft.contactIds,
    frequency_cap_days: draft.frequencyCapDays,
    include_unknown_consent: draft.includeUnknownConsent,
  };
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

export function describeCondition(condition: FieldCondition, label: string, type: FieldType) {
  if (condition.op === 'exists') {
    return condition.value === 'false' ? `${label} has no value` : `${label} has a value`;
  }
  const operator =
    operatorsFor(type).find((option) => option.value === condition.op)?.label ?? condition.op;
  const value = type === 'boolean' ? (condition.value === 'true' ? 'yes' : 'no') : condition.value;
  return `${label} ${operator} ${value}`;
}

/** Contact ids typed as a list ("12, 15 19"): the numbers, or null when something is not one. */
export function parseContactIds(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (!parts.every((part) => /^[1-9]\d{0,15}$/.test(part))) return null;
  return [...new Set(parts.map(Number))];
}

export type AudienceChangeDirection = 'add' | 'exclude';
export type AudienceChangeSource = 'filter' | 'ids';

/** The body of POST .../audience for what the dialog holds, or a reason it cannot be sent. */
export function audienceChangeBody(
  id: number,
  direction: AudienceChangeDirection,
  source: AudienceChangeSource,
  filter: FilterDraft,
  idsText: string,
): ChangeAudienceInput | string {
  if (source === 'filter') {
    if (isFilterDraftEmpty(filter)) return 'Choose at least one tag, consent or field condition.';
    return { id, [direction]: { filter: filterFromDraft(filter) } };
  }
  const ids = parseContactIds(idsText);
  if (ids === null) return 'Contact ids are whole numbers, separated by commas or spaces.';
  if (ids.length === 0) return 'Enter at least one contact id.';
  return { id, [direction]: { contact_ids: ids } };
}
