import { SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { isApiError } from '@/lib/api-client';
import { formatCount } from '@/lib/format';
import { useChangeAudience } from '../api/change-audience';
import { useContactFields } from '../api/get-contact-fields';
import { useTags } from '../api/get-tags';
import {
  type AudienceChangeDirection as Direction,
  type AudienceChangeSource as Source,
  audienceChangeBody,
  emptyFilterDraft,
  type FilterDraft,
} from '../lib/audience';
import { AudienceFilterBuilder } from './audience-filter-builder';

/**
 * Adds recipients to a campaign that has started, or excludes some (those not sent yet are
 * dropped), chosen by filters or by contact id.
 */
export function AudienceChangeModal({
  campaignId,
  opened,
  onClose,
}: {
  campaignId: number;
  opened: boolean;
  onClose: () => void;
}) {
  const [direction, setDirection] = useState<Direction>('add');
  const [source, setSource] = useState<Source>('filter');
  const [filter, setFilter] = useState<FilterDraft>(emptyFilterDraft);
  const [idsText, setIdsText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const fields = useContactFields();
  const tags = useTags();
  const change = useChangeAudience();

  const close = () => {
    onClose();
    setProblem(null);
    change.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = audienceChangeBody(campaignId, direction, source, filter, idsText);
    if (typeof body === 'string') {
      setProblem(body);
      return;
    }
    setProblem(null);
    change.mutate(body, {
      onSuccess: ({ added, excluded }) => {
        close();
        setFilter(emptyFilterDraft);
        setIdsText('');
        notifications.show({
          message:
            direction === 'add'
              ? `${formatCount(added, 'recipient')} added to the queue.`
              : `${formatCount(excluded, 'recipient')} excluded.`,
        });
      },
    });
  };

  const serverErrors = isApiError(change.error) ? change.error.details : {};
  const filterErrors = Object.fromEntries(
    Object.entries(serverErrors)
      .filter(([name]) => name.includes('filter.'))
      .map(([name, reason]) => [name.slice(name.indexOf('filter.') + 'filter.'.length), reason]),
  );

  return (
    <FormModal
      opened={opened}
      onClose={close}
      title="Change the audience"
      onSubmit={submit}
      submitLabel={direction === 'add' ? 'Add recipients' : 'Exclude recipients'}
      pending={change.isPending}
      error={problem ?? (change.error ? change.error.message : null)}
    >
      <SegmentedControl
        aria-label="Add or exclude"
        value={direction}
        onChange={(value) => setDirection(value as Direction)}
        data={[
          { value: 'add', label: 'Add recipients' },
          { value: 'exclude', label: 'Exclude recipients' },
        ]}
        fullWidth
      />
      <Text size="sm" c="dimmed">
        {direction === 'add'
          ? 'Matching opted-in contacts who are not recipients yet join the queue.'
          : 'Matching recipients who have not been sent their message yet are dropped.'}
      </Text>
      <SegmentedControl
        aria-label="Choose contacts by"
        value={source}
        onChange={(value) => setSource(value as Source)}
        data={[
          { value: 'filter', label: 'Filters' },
          { value: 'ids', label: 'Contact ids' },
        ]}
        fullWidth
      />
      {source === 'filter' ? (
        <Stack gap="xs">
          <AudienceFilterBuilder
            value={filter}
            onChange={setFilter}
            fields={fields.data ?? []}
            tagNames={(tags.data ?? []).map((tag) => tag.name)}
            errors={filterErrors}
          />
        </Stack>
      ) : (
        <Textarea
          label="Contact ids"
          description="Separated by commas, spaces or new lines."
          value={idsText}
          onChange={(event) => setIdsText(event.currentTarget.value)}
          autosize
          minRows={3}
        />
      )}
    </FormModal>
  );
}
