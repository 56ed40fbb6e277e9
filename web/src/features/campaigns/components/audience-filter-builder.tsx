import {
  Button,
  Group,
  MultiSelect,
  NativeSelect,
  Pill,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { ContactField } from '../api/get-contact-fields';
import {
  type ConsentFilter,
  describeCondition,
  type FieldCondition,
  type FieldOperator,
  type FilterDraft,
  operatorsFor,
} from '../lib/audience';

const consentOptions = [
  { value: '', label: 'Any consent' },
  { value: 'opted_in', label: 'Opted in' },
  { value: 'unknown', label: 'Unknown' },
  { value: 'opted_out', label: 'Opted out' },
];

function ValueInput({
  field,
  value,
  onChange,
  onEnter,
}: {
  field: ContactField;
  value: string;
  onChange: (value: string) => void;
  onEnter: () => void;
}) {
  if (field.type === 'boolean') {
    return (
      <NativeSelect
        label="Value"
        size="sm"
        value={value === '' ? 'true' : value}
        onChange={(event) => onChange(event.currentTarget.value)}
        data={[
          { value: 'true', label: 'yes' },
          { value: 'false', label: 'no' },
        ]}
      />
    );
  }
  if (field.type === 'choice') {
    return (
      <NativeSelect
        label="Value"
        size="sm"
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        data={[{ value: '', label: 'Choose…' }, ...field.choices]}
      />
    );
  }
  return (
    <TextInput
      label="Value"
      size="sm"
      type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          onEnter();
        }
      }}
    />
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
  const [op, setOp] = useState<FieldOperator>('eq');
  const [value, setValue] = useState('');
  if (!field) {
    return (
      <Text size="sm" c="dimmed">
        No custom fields yet; admins define them under Settings → Contact fields.
      </Text>
    );
  }
  const operators = operatorsFor(field.type);
  const operator = operators.some((option) => option.value === op) ? op : 'eq';
  const effective = operator === 'exists' || field.type === 'boolean' ? value || 'true' : value;

  const add = () => {
    if (effective.trim() === '') return;
    onAdd({ key: field.key, op: operator, value: effective.trim() });
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
          setOp(event.currentTarget.value as FieldOperator);
          setValue('');
        }}
        data={operators}
      />
      {operator === 'exists' ? (
        <NativeSelect
          label="Value"
          size="sm"
          value={effective}
          onChange={(event) => setValue(event.currentTarget.value)}
          data={[
            { value: 'true', label: 'has a value' },
            { value: 'false', label: 'has no value' },
          ]}
        />
      ) : (
        <ValueInput field={field} value={value} onChange={setValue} onEnter={add} />
      )}
      <Button
        variant="default"
        leftSection={<IconPlus size={14} aria-hidden />}
        onClick={add}
        disabled={effective.trim() === ''}
      >
        Add condition
      </Button>
    </Group>
  );
}

interface AudienceFilterBuilderProps {
  value: FilterDraft;
  onChange: (value: FilterDraft) => void;
  fields: ContactField[];
  tagNames: string[];
  /** Reasons from the server by filter parameter (`tag`, `field.age.gte`). */
  errors?: Record<string, string>;
}

/**
 * The contacts filters a campaign's audience is made of: tags the contacts have (all of
 * them), tags they do not have, consent, and conditions on custom fields.
 */
export function AudienceFilterBuilder({
  value,
  onChange,
  fields,
  tagNames,
  errors = {},
}: AudienceFilterBuilderProps) {
  const tagOptions = [...new Set([...tagNames, ...value.tags, ...value.notTags])];
  const fieldErrors = Object.entries(errors).filter(([name]) => name.startsWith('field.'));
  return (
    <Stack gap="sm">
      <Group grow align="flex-start" wrap="wrap">
        <MultiSelect
          label="Has every one of these tags"
          placeholder={value.tags.length === 0 ? 'Any tags' : undefined}
          data={tagOptions}
          value={value.tags}
          onChange={(tags) => onChange({ ...value, tags })}
          searchable
          clearable
          error={errors.tag}
          miw={220}
        />
        <MultiSelect
          label="Has none of these tags"
          placeholder={value.notTags.length === 0 ? 'No tag excluded' : undefined}
          data={tagOptions}
          value={value.notTags}
          onChange={(notTags) => onChange({ ...value, notTags })}
          searchable
          clearable
          error={errors.not_tag}
          miw={220}
        />
      </Group>
      <NativeSelect
        label="Consent"
        data={consentOptions}
        value={value.consent ?? ''}
        onChange={(event) =>
          onChange({
            ...value,
            consent: (event.currentTarget.value || null) as ConsentFilter | null,
          })
        }
        error={errors.consent}
        maw={220}
      />
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Custom field conditions
        </Text>
        {value.fields.length > 0 && (
          <Group gap={6} role="list" aria-label="Field conditions">
            {value.fields.map((condition, index) => {
              const field = fields.find((candidate) => candidate.key === condition.key);
              const label = describeCondition(
                condition,
                field?.label ?? condition.key,
                field?.type ?? 'text',
              );
              return (
                <Pill
                  key={`${condition.key}-${condition.op}-${index}`}
                  role="listitem"
                  withRemoveButton
                  removeButtonProps={{
                    'aria-label': `Remove ${label}`,
                    'aria-hidden': false,
                    tabIndex: 0,
                  }}
                  onRemove={() =>
                    onChange({ ...value, fields: value.fields.filter((_, i) => i !== index) })
                  }
                >
                  {label}
                </Pill>
              );
            })}
          </Group>
        )}
        <ConditionForm
          fields={fields}
          onAdd={(condition) =>
            onChange({
              ...value,
              // One value per parameter: a new condition on the same field and operator wins.
              fields: [
                ...value.fields.filter(
                  (known) => !(known.key === condition.key && known.op === condition.op),
                ),
                condition,
              ],
            })
          }
        />
        {fieldErrors.map(([name, reason]) => (
          <Text key={name} size="sm" c="red" role="alert">
            {name}: {reason}
          </Text>
        ))}
      </Stack>
    </Stack>
  );
}
