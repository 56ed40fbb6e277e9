import {
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Kbd,
  NativeSelect,
  Paper,
  Pill,
  Popover,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconAdjustmentsHorizontal, IconColumns3, IconPlus, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { pageSearchAttribute } from '@/lib/page-search';
import type { ConsentState } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import {
  activeFilterCount,
  type ContactFilter,
  type ContactsView,
  describeCondition,
  emptyFilter,
  type FieldCondition,
  type FieldOperator,
  fieldConditionParam,
  operatorsFor,
} from '../utils/contact-filter';
import { consentOptions } from '../utils/consent';
import { FieldValueInput } from './field-value-input';
import { TagInput } from './tag-input';

/** Typing pauses this long before the search runs. */
const searchDebounceMs = 300;

interface ContactsFiltersProps {
  view: ContactsView;
  /** `replace` for keystrokes, so that Back does not step through every letter. */
  onChange: (view: ContactsView, options?: { replace?: boolean }) => void;
  fields: ContactField[];
  tagNames: string[];
}

function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const [applied, setApplied] = useState(value);
  // The URL changed elsewhere (Clear filters, Back): show what it says.
  if (value !== applied) {
    setApplied(value);
    setText(value);
  }
  const search = useDebouncedCallback((q: string) => {
    // The URL keeps the search trimmed; remembering it so keeps a typed space in the box.
    setApplied(q.trim());
    onSearch(q);
  }, searchDebounceMs);

  return (
    <TextInput
      aria-label="Search contacts"
      placeholder="Search name or phone"
      leftSection={<IconSearch size={16} aria-hidden />}
      rightSection={
        text === '' ? (
          <Kbd size="xs" aria-hidden>
            /
          </Kbd>
        ) : (
          <CloseButton
            aria-label="Clear search"
            size="sm"
            onClick={() => {
              search.cancel();
              setText('');
              setApplied('');
              onSearch('');
            }}
          />
        )
      }
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        search(event.currentTarget.value);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') search.flush();
        if (event.key === 'Escape') event.currentTarget.blur();
      }}
      w={{ base: '100%', sm: 280 }}
      {...{ [pageSearchAttribute]: '' }}
    />
  );
}

/** A filter in words, with a button that removes it (Mantine hides a pill's own from readers). */
function FilterChip({ label, onRemove }: { label: string; onRemove: () => void }) {
  return (
    <Pill
      role="listitem"
      withRemoveButton
      removeButtonProps={{ 'aria-label': `Remove ${label}`, 'aria-hidden': false, tabIndex: 0 }}
      onRemove={onRemove}
    >
      {label}
    </Pill>
  );
}

function ConditionForm({
  fields,
  onAdd,
}: {
  fields: ContactField[];
  onAdd: (condition: FieldCondition) => void;
}) {
  const [key, setKey] = useState(fields[0]?.key ?? '');
  const field = fields.find((candidate) => candidate.key === key) ?? fields[0];
  const operators = operatorsFor(field?.type ?? 'text');
  const [op, setOp] = useState<FieldOperator>('eq');
  const [value, setValue] = useState('');
  const operator = operators.some((option) => option.value === op) ? op : 'eq';

  if (!field) {
    return (
      <Text size="sm" c="dimmed">
        No custom fields yet. Admins define them under Settings → Contact fields.
      </Text>
    );
  }

  const add = () => {
    const condition = { key: field.key, op: operator, value: value.trim() };
    if (condition.value === '') return;
    onAdd(condition);
    setValue('');
  };

  return (
    <Group gap="xs" align="flex-end" wrap="wrap" role="group" aria-label="Add a field condition">
      <NativeSelect
        label="Field"
        size="sm"
        value={field.key}
        onChange={(event) => {
          setKey(event.currentTarget.value);
          setValue('');
        }}
        data={fields.map((candidate) => ({ value: candidate.key, label: candidate.label }))}
      />
      <NativeSelect
        label="Condition"
        size="sm"
        value={operator}
        onChange={(event) => {
          const next = event.currentTarget.value as FieldOperator;
          setOp(next);
          setValue(next === 'exists' ? 'true' : '');
        }}
        data={operators}
      />
      {operator === 'exists' ? (
        <NativeSelect
          label="Value"
          size="sm"
          value={value === '' ? 'true' : value}
          onChange={(event) => setValue(event.currentTarget.value)}
          data={[
            { value: 'true', label: 'has a value' },
            { value: 'false', label: 'has no value' },
          ]}
        />
      ) : (
        <FieldValueInput
          field={field}
          label="Value"
          size="sm"
          value={value}
          onChange={setValue}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              add();
            }
          }}
        />
      )}
      <Button
        variant="default"
        leftSection={<IconPlus size={14} aria-hidden />}
        onClick={add}
        disabled={operator !== 'exists' && value.trim() === ''}
      >
        Add condition
      </Button>
    </Group>
  );
}

function ColumnsPicker({
  fields,
  columns,
  onChange,
}: {
  fields: ContactField[];
  columns: string[];
  onChange: (columns: string[]) => void;
}) {
  return (
    <Popover position="bottom-end" shadow="md" hideDetached={false} trapFocus>
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns3 size={16} aria-hidden />}>
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        {fields.length === 0 ? (
          <Text size="sm" c="dimmed" maw={220}>
            Custom fields can be shown as columns once an admin defines them.
          </Text>
        ) : (
          <Checkbox.Group label="Custom field columns" value={columns} onChange={onChange}>
            <Stack gap="xs" mt="xs">
              {fields.map((field) => (
                <Checkbox key={field.key} value={field.key} label={field.label} />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

/**
 * The contacts page's filters: the search box, tags and consent always in view, the rest in a
 * panel; every change lands in the URL at once (search after a pause in typing).
 */
export function ContactsFilters({ view, onChange, fields, tagNames }: ContactsFiltersProps) {
  const [moreOpen, setMoreOpen] = useState(false);
  const { filter } = view;
  const setFilter = (changes: Partial<ContactFilter>, replace = false) =>
    onChange({ ...view, filter: { ...filter, ...changes } }, { replace });
  const fieldByKey = new Map(fields.map((field) => [field.key, field]));
  const hiddenCount =
    filter.notTags.length +
    (filter.createdAfter ? 1 : 0) +
    (filter.createdBefore ? 1 : 0) +
    filter.fields.length;
  const anyFilter = activeFilterCount(filter) > 0 || filter.q !== '';

  const hiddenChips: { label: string; remove: () => void }[] = [
    ...filter.notTags.map((tag) => ({
      label: `Without ${tag}`,
      remove: () => setFilter({ notTags: filter.notTags.filter((other) => other !== tag) }),
    })),
    ...(filter.createdAfter
      ? [
          {
            label: `Created after ${filter.createdAfter}`,
            remove: () => setFilter({ createdAfter: null }),
          },
        ]
      : []),
    ...(filter.createdBefore
      ? [
          {
            label: `Created before ${filter.createdBefore}`,
            remove: () => setFilter({ createdBefore: null }),
          },
        ]
      : []),
    ...filter.fields.map((condition, index) => ({
      label: describeCondition(condition, fieldByKey.get(condition.key)),
      remove: () => setFilter({ fields: filter.fields.filter((_, other) => other !== index) }),
    })),
  ];

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-start" wrap="wrap">
        <SearchBox value={filter.q} onSearch={(q) => setFilter({ q }, true)} />
        <TagInput
          aria-label="With tags"
          placeholder={filter.tags.length === 0 ? 'With tags' : undefined}
          value={filter.tags}
          onChange={(tags) => setFilter({ tags })}
          suggestions={tagNames}
          w={{ base: '100%', sm: 240 }}
        />
        <NativeSelect
          aria-label="Consent"
          value={filter.consent ?? ''}
          onChange={(event) =>
            setFilter({ consent: (event.currentTarget.value || null) as ConsentState | null })
          }
          data={[{ value: '', label: 'Any consent' }, ...consentOptions]}
          w={150}
        />
        <Button
          variant={moreOpen ? 'light' : 'default'}
          leftSection={<IconAdjustmentsHorizontal size={16} aria-hidden />}
          rightSection={
            hiddenCount > 0 ? (
              <Badge size="xs" circle aria-hidden>
                {hiddenCount}
              </Badge>
            ) : undefined
          }
          aria-label={hiddenCount > 0 ? `More filters (${hiddenCount} set)` : 'More filters'}
          aria-expanded={moreOpen}
          aria-controls="contacts-more-filters"
          onClick={() => setMoreOpen((open) => !open)}
        >
          More filters
        </Button>
        <ColumnsPicker
          fields={fields}
          columns={view.columns}
          onChange={(columns) => onChange({ ...view, columns }, { replace: true })}
        />
        {anyFilter && (
          <Button
            variant="subtle"
            color="gray"
            onClick={() => onChange({ ...view, filter: emptyFilter })}
          >
            Clear filters
          </Button>
        )}
      </Group>

      {moreOpen && (
        <Paper withBorder radius="md" p="md" id="contacts-more-filters">
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TagInput
                label="Without tags"
                value={filter.notTags}
                onChange={(notTags) => setFilter({ notTags })}
                suggestions={tagNames}
              />
              <DatePickerInput
                label="Created after"
                value={filter.createdAfter}
                onChange={(createdAfter) => setFilter({ createdAfter })}
                valueFormat="D MMM YYYY"
                placeholder="Any date"
                clearable
              />
              <DatePickerInput
                label="Created before"
                value={filter.createdBefore}
                onChange={(createdBefore) => setFilter({ createdBefore })}
                valueFormat="D MMM YYYY"
                placeholder="Any date"
                clearable
              />
            </SimpleGrid>
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                Custom fields
              </Text>
              {filter.fields.length > 0 && (
                <Group gap={6} role="list" aria-label="Field conditions">
                  {filter.fields.map((condition, index) => (
                    <FilterChip
                      key={`${fieldConditionParam(condition)}=${condition.value}`}
                      label={describeCondition(condition, fieldByKey.get(condition.key))}
                      onRemove={() =>
                        setFilter({ fields: filter.fields.filter((_, other) => other !== index) })
                      }
                    />
                  ))}
                </Group>
              )}
              <ConditionForm
                fields={fields}
                onAdd={(condition) =>
                  setFilter({
                    fields: [
                      ...filter.fields.filter(
                        (other) => fieldConditionParam(other) !== fieldConditionParam(condition),
                      ),
                      condition,
                    ],
                  })
                }
              />
            </Stack>
          </Stack>
        </Paper>
      )}

      {!moreOpen && hiddenChips.length > 0 && (
        <Group gap={6} role="list" aria-label="More filters in use">
          {hiddenChips.map((chip) => (
            <FilterChip key={chip.label} label={chip.label} onRemove={chip.remove} />
          ))}
        </Group>
      )}
    </Stack>
  );
}
