import { Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRepeat, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { FormErrorAlert } from '@/components/form-error-alert';
import { formatCount, formatNumber } from '@/lib/format';
import { useDeleteFailedJobs } from '../api/delete-failed-jobs';
import { jobCountCap, type JobFilters, useJobCount } from '../api/get-jobs';
import { type FailedJobsFilter, failedJobsBody } from '../api/retry-failed-jobs';
import { useRetryFailedJobs } from '../api/retry-failed-jobs';

type BulkAction = 'retry' | 'delete';

/** "queue imports, kind contacts.import, tag x, matching "timeout"", or null with no filters. */
function describeFilters(filters: FailedJobsFilter): string | null {
  const parts: string[] = [];
  if (filters.queue) parts.push(`queue ${filters.queue}`);
  if (filters.kind) parts.push(`kind ${filters.kind}`);
  if (filters.tag) parts.push(`tag ${filters.tag}`);
  if (filters.q) parts.push(`matching “${filters.q}”`);
  return parts.length > 0 ? parts.join(', ') : null;
}

function BulkConfirm({
  action,
  filters,
  onClose,
}: {
  action: BulkAction;
  filters: FailedJobsFilter;
  onClose: () => void;
}) {
  const listFilters: JobFilters = { ...failedJobsBody(filters), state: 'failed' };
  const count = useJobCount(listFilters, true);
  const retry = useRetryFailedJobs();
  const remove = useDeleteFailedJobs();
  const mutation = action === 'retry' ? retry : remove;
  const scope = describeFilters(filters);
  const amount = count.data
    ? count.data.capped
      ? `more than ${formatNumber(jobCountCap)}`
      : formatNumber(count.data.count)
    : null;
  const nothing = count.data?.count === 0;

  const run = () => {
    const onSuccess = ({ affected }: { affected: number }) => {
      notifications.show({
        color: action === 'retry' ? 'teal' : 'red',
        message:
          action === 'retry'
            ? `${formatCount(affected, 'failed job')} queued again.`
            : `${formatCount(affected, 'failed job')} deleted.`,
      });
      onClose();
    };
    if (action === 'retry') retry.mutate(filters, { onSuccess });
    else remove.mutate(filters, { onSuccess });
  };

  const title = action === 'retry' ? 'Retry the failed jobs?' : 'Delete the failed jobs?';
  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack gap="md">
        <Text size="sm" component="div" role="status" aria-live="polite">
          {count.isPending && 'Counting the failed jobs that match…'}
          {count.isError && `Couldn't count them: ${count.error.message}`}
          {count.data &&
            (nothing
              ? 'No failed job matches the filters any more.'
              : `${amount} failed ${count.data.count === 1 && !count.data.capped ? 'job matches' : 'jobs match'}${scope ? ` (${scope})` : ''}. ${
                  action === 'retry'
                    ? 'Each runs again from its first attempt.'
                    : 'They are removed for good, with their payloads and attempts.'
                }`)}
        </Text>
        <FormErrorAlert message={mutation.error?.message ?? null} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button
            color={action === 'retry' ? 'teal' : 'red'}
            onClick={run}
            loading={mutation.isPending || count.isPending}
            disabled={nothing}
          >
            {action === 'retry' ? 'Retry' : 'Delete'}
            {amount && !nothing ? ` ${amount} ${count.data?.count === 1 ? 'job' : 'jobs'}` : ''}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Retry all matching" and "Delete all matching" for the failed tab, with the list's filters. */
export function FailedJobsActions({ filters }: { filters: FailedJobsFilter }) {
  const [action, setAction] = useState<BulkAction | null>(null);
  return (
    <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-red-light)">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm">
          Act on every failed job that matches the filters, not only those loaded below.
        </Text>
        <Group gap="sm">
          <Button
            size="sm"
            leftSection={<IconRepeat size={16} aria-hidden />}
            onClick={() => setAction('retry')}
          >
            Retry all matching
          </Button>
          <Button
            size="sm"
            color="red"
            variant="light"
            leftSection={<IconTrash size={16} aria-hidden />}
            onClick={() => setAction('delete')}
          >
            Delete all matching
          </Button>
        </Group>
      </Group>
      {action && <BulkConfirm action={action} filters={filters} onClose={() => setAction(null)} />}
    </Paper>
  );
}
