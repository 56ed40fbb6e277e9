import {
  Alert,
  Checkbox,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Radio,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatNumber } from '@/lib/format';
import type { AudienceEstimate } from '../api/estimate-audience';
import type { ContactField } from '../api/get-contact-fields';
import type { AudienceDraft } from '../lib/audience';
import { AudienceFilterBuilder } from './audience-filter-builder';

/** The longest frequency cap the server takes. */
export const maxFrequencyCapDays = 365;

/** Drops the `audience.` and `audience.filter.` prefixes of server details. */
function audienceErrors(errors: Record<string, string>) {
  const filter: Record<string, string> = {};
  const own: Record<string, string> = {};
  for (const [key, reason] of Object.entries(errors)) {
    if (key.startsWith('audience.filter.')) filter[key.slice('audience.filter.'.length)] = reason;
    else own[key.replace(/^audience\.?/, '') || 'audience'] = reason;
  }
  return { filter, own };
}

/** The live estimate with what was left out and why. */
export function EstimatePanel({
  estimate,
  textMessage,
}: {
  estimate: UseQueryResult<AudienceEstimate>;
  textMessage: boolean;
}) {
  if (estimate.isPending && estimate.fetchStatus === 'idle') return null;
  if (estimate.isPending) {
    return (
      <Group gap="xs" c="dimmed">
        <Loader size="xs" />
        <Text size="sm">Counting the audience…</Text>
      </Group>
    );
  }
  if (estimate.isError) {
    return (
      <Text size="sm" c="red" role="alert">
        The audience could not be counted: {estimate.error.message}
      </Text>
    );
  }
  const { contacts, excluded } = estimate.data;
  const rows: [string, number][] = [
    ['Opted out', excluded.opted_out],
    ['Excluded by tag', excluded.tags],
    ['Messaged recently (frequency cap)', excluded.frequency_cap],
  ];
  if (excluded.unknown_consent !== undefined) {
    rows.push(['Consent unknown', excluded.unknown_consent]);
  }
  if (textMessage) rows.push(['24-hour window closed', excluded.window_closed]);
  return (
    <Stack gap={4} role="status" aria-live="polite" aria-label="Audience estimate">
      <Text size="sm">
        <Text span fw={700} fz="lg" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatNumber(contacts)}
        </Text>{' '}
        {contacts === 1 ? 'contact' : 'contacts'} would receive it now
        {estimate.isFetching && <Loader size={10} ml={6} />}
      </Text>
      <Table withRowBorders={false} verticalSpacing={2} aria-label="Left out">
        <Table.Tbody>
          {rows.map(([label, count]) => (
            <Table.Tr key={label}>
              <Table.Td p={0}>
                <Text size="xs" c="dimmed">
                  {label}
                </Text>
              </Table.Td>
              <Table.Td p={0} ta="right">
                <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatNumber(count)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

interface AudienceStepProps {
  value: AudienceDraft;
  onChange: (value: AudienceDraft) => void;
  fields: ContactField[];
  tagNames: string[];
  errors: Record<string, string>;
  estimate: UseQueryResult<AudienceEstimate>;
  textMessage: boolean;
}

export function AudienceStep({
  value,
  onChange,
  fields,
  tagNames,
  errors,
  estimate,
  textMessage,
}: AudienceStepProps) {
  const { filter: filterErrors, own } = audienceErrors(errors);
  const shown = [
    'audience',
    'filter',
    'exclude_tags',
    'frequency_cap_days',
    'include_unknown_consent',
  ];
  const leftover = Object.entries(own).filter(([key]) => !shown.includes(key));
  return (
    <Stack gap="md">
      {leftover.map(([key, reason]) => (
        <Text key={key} size="sm" c="red" role="alert">
          {key}: {reason}
        </Text>
      ))}
      {value.contactIds.length > 0 && (
        <Alert color="blue" variant="light">
          This campaign was given {formatNumber(value.contactIds.length)} contacts by id; they are
          kept as they are.
        </Alert>
      )}
      <Radio.Group
        label="Who receives it"
        value={value.mode}
        onChange={(mode) => onChange({ ...value, mode: mode as AudienceDraft['mode'] })}
        error={own.audience ?? own.filter}
      >
        <Stack gap="xs" mt={6}>
          <Radio value="everyone" label="Everyone who opted in" />
          <Radio value="filter" label="Contacts matching filters" />
        </Stack>
      </Radio.Group>
      {value.mode === 'filter' && (
        <AudienceFilterBuilder
          value={value.filter}
          onChange={(filter) => onChange({ ...value, filter })}
          fields={fields}
          tagNames={tagNames}
          errors={filterErrors}
        />
      )}
      <MultiSelect
        label="Leave out contacts tagged"
        placeholder={value.excludeTags.length === 0 ? 'No exclusions' : undefined}
        data={[...new Set([...tagNames, ...value.excludeTags])]}
        value={value.excludeTags}
        onChange={(excludeTags) => onChange({ ...value, excludeTags })}
        searchable
        clearable
        error={own.exclude_tags}
      />
      <NumberInput
        label="Frequency cap"
        description="Leave out contacts messaged within this many days; 0 for no cap."
        min={0}
        max={maxFrequencyCapDays}
        value={value.frequencyCapDays}
        onChange={(days) =>
          onChange({ ...value, frequencyCapDays: Math.max(0, Math.round(Number(days) || 0)) })
        }
        suffix=" days"
        clampBehavior="strict"
        error={own.frequency_cap_days}
        maw={240}
      />
      <Checkbox
        label="Also send to contacts whose consent is unknown"
        description="Only contacts who opted in are reached otherwise; opted-out ones never are."
        checked={value.includeUnknownConsent}
        onChange={(event) =>
          onChange({ ...value, includeUnknownConsent: event.currentTarget.checked })
        }
        error={own.include_unknown_consent}
      />
      <EstimatePanel estimate={estimate} textMessage={textMessage} />
    </Stack>
  );
}
