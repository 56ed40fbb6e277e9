import { Button, Group, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconCircleX, IconTag, IconTagOff, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { FormModal } from '@/components/form-modal';
import { formatCount, formatNumber } from '@/lib/format';
import { type BulkAction, useBulkUpdateContacts } from '../api/bulk-update-contacts';
import type { ContactSelection } from '../hooks/use-contact-selection';
import { TagInput } from './tag-input';

type Dialog = 'tag' | 'untag' | 'opt_in' | 'opt_out' | 'delete' | null;

interface BulkActionsBarProps {
  selection: ContactSelection;
  /** Contacts matching the filter. */
  total: number;
  loadedIds: readonly number[];
  /** The filter by API names, sent when every matching contact is selected. */
  filter: Record<string, string | string[]>;
  tagNames: string[];
}

function done(action: BulkAction, affected: number, tags: string[]): string {
  const contacts = formatCount(affected, 'contact');
  const names = tags.map((tag) => `“${tag}”`).join(', ');
  switch (action) {
    case 'tag':
      return `Tagged ${contacts} with ${names}.`;
    case 'untag':
      return `Removed ${names} from ${contacts}.`;
    case 'opt_in':
      return `Opted in ${contacts}.`;
    case 'opt_out':
      return `Opted out ${contacts}.`;
    case 'delete':
      return `Deleted ${contacts}.`;
  }
}

/** What can be done to the selected contacts, shown while some are selected. */
export function BulkActionsBar({
  selection,
  total,
  loadedIds,
  filter,
  tagNames,
}: BulkActionsBarProps) {
  const bulk = useBulkUpdateContacts();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [tagError, setTagError] = useState<string | null>(null);
  const count = selection.count(total);
  const contacts = formatCount(count, 'contact');
  const offerAllMatching =
    !selection.allMatching && selection.allLoadedSelected(loadedIds) && total > loadedIds.length;

  const close = () => {
    bulk.reset();
    setDialog(null);
    setTags([]);
    setTagError(null);
  };

  const run = (action: BulkAction, withTags: string[] = []) => {
    bulk.mutate(
      {
        action,
        ...(withTags.length > 0 ? { tags: withTags } : {}),
        ...selection.target(filter),
      },
      {
        onSuccess: ({ affected }) => {
          notifications.show({ color: 'teal', message: done(action, affected, withTags) });
          selection.clear();
          close();
        },
      },
    );
  };

  const submitTags = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (dialog !== 'tag' && dialog !== 'untag') return;
    if (tags.length === 0) {
      setTagError('Choose at least one tag');
      return;
    }
    run(dialog, tags);
  };

  const confirm = {
    opt_in: {
      title: `Opt in ${contacts}?`,
      label: 'Opt in',
      color: 'teal',
      text: 'They will receive campaigns. Do this only for people who agreed to hear from you on WhatsApp; the change is recorded in each contact’s consent history.',
    },
    opt_out: {
      title: `Opt out ${contacts}?`,
      label: 'Opt out',
      color: 'orange',
      text: 'They will receive no campaigns until they opt in again. The change is recorded in each contact’s consent history.',
    },
    delete: {
      title: `Delete ${contacts}?`,
      label: `Delete ${contacts}`,
      color: 'red',
      text: 'Their tags, field values, consent history and conversations are deleted too. This cannot be undone.',
    },
  } as const;
  const confirming = dialog === 'opt_in' || dialog === 'opt_out' || dialog === 'delete';

  return (
    <Paper
      withBorder
      radius="md"
      px="md"
      py="xs"
      bg="var(--mantine-primary-color-light)"
      role="region"
      aria-label="Selected contacts"
    >
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="wrap">
          <Text size="sm" fw={600} role="status">
            {selection.allMatching
              ? `All ${formatNumber(total)} matching contacts selected`
              : `${contacts} selected`}
          </Text>
          {offerAllMatching && (
            <Button variant="subtle" size="compact-sm" onClick={selection.selectAllMatching}>
              Select all {formatNumber(total)} matching contacts
            </Button>
          )}
          <Button variant="subtle" color="gray" size="compact-sm" onClick={selection.clear}>
            Clear selection
          </Button>
        </Group>
        <Group gap="xs" wrap="wrap">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconTag size={14} aria-hidden />}
            onClick={() => setDialog('tag')}
          >
            Add tag
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconTagOff size={14} aria-hidden />}
            onClick={() => setDialog('untag')}
          >
            Remove tag
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconCircleCheck size={14} aria-hidden />}
            onClick={() => setDialog('opt_in')}
          >
            Opt in
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconCircleX size={14} aria-hidden />}
            onClick={() => setDialog('opt_out')}
          >
            Opt out
          </Button>
          <Button
            size="xs"
            color="red"
            variant="light"
            leftSection={<IconTrash size={14} aria-hidden />}
            onClick={() => setDialog('delete')}
          >
            Delete
          </Button>
        </Group>
      </Group>

      <FormModal
        opened={dialog === 'tag' || dialog === 'untag'}
        title={dialog === 'untag' ? `Remove tags from ${contacts}` : `Tag ${contacts}`}
        onClose={close}
        onSubmit={submitTags}
        submitLabel={dialog === 'untag' ? 'Remove tags' : 'Add tags'}
        pending={bulk.isPending}
        error={bulk.error?.message ?? null}
      >
        <TagInput
          label="Tags"
          description={
            dialog === 'untag'
              ? 'Contacts without these tags are left as they are.'
              : 'New tags are created as you type them; Enter adds one.'
          }
          value={tags}
          onChange={(next) => {
            setTags(next);
            setTagError(null);
          }}
          suggestions={tagNames}
          error={tagError}
          data-autofocus
        />
      </FormModal>

      {confirming && (
        <ConfirmModal
          opened
          title={confirm[dialog].title}
          confirmLabel={confirm[dialog].label}
          confirmColor={confirm[dialog].color}
          onClose={close}
          onConfirm={() => run(dialog)}
          pending={bulk.isPending}
          error={bulk.error?.message ?? null}
        >
          {confirm[dialog].text}
        </ConfirmModal>
      )}
    </Paper>
  );
}
