import {
  Alert,
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  ScrollArea,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconPlayerStop, IconRepeat, IconTrash } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { ErrorState } from '@/components/error-state';
import { isApiError } from '@/lib/api-client';
import { useCancelJob } from '../api/cancel-job';
import { useDeleteJob } from '../api/delete-job';
import { type JobDetail, useJob } from '../api/get-job';
import { useRetryJob } from '../api/retry-job';
import { prettyJson } from '../lib/format';
import { JobStateBadge } from './job-state-badge';
import { JobTimeline } from './job-timeline';

type JobAction = 'retry' | 'cancel' | 'delete';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={130} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

const actionCopy: Record<
  JobAction,
  { title: (id: number) => string; confirm: string; color: string; done: (id: number) => string }
> = {
  retry: {
    title: (id) => `Retry job #${id}?`,
    confirm: 'Retry job',
    color: 'teal',
    done: (id) => `Job #${id} is pending again.`,
  },
  cancel: {
    title: (id) => `Cancel job #${id}?`,
    confirm: 'Cancel job',
    color: 'orange',
    done: (id) => `Job #${id} is cancelled.`,
  },
  delete: {
    title: (id) => `Delete job #${id}?`,
    confirm: 'Delete job',
    color: 'red',
    done: (id) => `Job #${id} is deleted.`,
  },
};

function actionBody(action: JobAction, job: JobDetail): string {
  switch (action) {
    case 'retry':
      return `It runs again from its first attempt, with up to ${job.max_attempts} attempts.`;
    case 'cancel':
      return 'It will not run. A cancelled job can be retried later.';
    case 'delete':
      return 'The job, its payload and its attempts are removed for good.';
  }
}

function JobDetails({ job, onDeleted }: { job: JobDetail; onDeleted: () => void }) {
  const [action, setAction] = useState<JobAction | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const retry = useRetryJob();
  const cancel = useCancelJob();
  const remove = useDeleteJob();
  const mutation = action === 'retry' ? retry : action === 'cancel' ? cancel : remove;

  const close = () => {
    setAction(null);
    retry.reset();
    cancel.reset();
    remove.reset();
  };

  const confirm = () => {
    if (!action) return;
    const copy = actionCopy[action];
    const succeed = () => {
      close();
      notifications.show({ color: copy.color, message: copy.done(job.id) });
      if (action === 'delete') onDeleted();
      else setDone(copy.done(job.id));
    };
    if (action === 'retry') retry.mutate(job.id, { onSuccess: succeed });
    else if (action === 'cancel') cancel.mutate(job.id, { onSuccess: succeed });
    else remove.mutate(job.id, { onSuccess: succeed });
  };

  const failure = mutation.error;
  const failureMessage =
    failure === null
      ? null
      : isApiError(failure) && failure.code === 'conflict'
        ? `${failure.message} The job moved on meanwhile; its state above is current.`
        : failure.message;

  return (
    <Stack gap="lg">
      <Table withRowBorders={false} verticalSpacing={4} aria-label="Job details">
        <Table.Tbody>
          <Fact label="State">
            <JobStateBadge state={job.state} />
          </Fact>
          <Fact label="Queue">{job.queue}</Fact>
          <Fact label="Kind">
            <Text span ff="monospace" size="sm">
              {job.kind}
            </Text>
          </Fact>
          <Fact label="Attempts">
            {job.attempts} of {job.max_attempts}
          </Fact>
          <Fact label="Priority">{job.priority}</Fact>
          <Fact label="Tags">
            {job.tags.length === 0 ? (
              '—'
            ) : (
              <Group gap={4}>
                {job.tags.map((tag) => (
                  <Badge key={tag} variant="outline" color="gray" tt="none">
                    {tag}
                  </Badge>
                ))}
              </Group>
            )}
          </Fact>
          <Fact label="Unique key">{job.unique_key ?? '—'}</Fact>
          {job.worker && <Fact label="Worker">{job.worker}</Fact>}
        </Table.Tbody>
      </Table>

      {job.last_error && (
        <Alert
          color="red"
          variant="light"
          title="Last error"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          style={{ overflowWrap: 'anywhere' }}
        >
          {job.last_error}
        </Alert>
      )}

      <Stack gap="xs">
        <Group gap="sm">
          {(job.state === 'failed' || job.state === 'cancelled') && (
            <Button
              leftSection={<IconRepeat size={16} aria-hidden />}
              onClick={() => setAction('retry')}
            >
              Retry
            </Button>
          )}
          {job.state === 'pending' && (
            <Button
              variant="default"
              leftSection={<IconPlayerStop size={16} aria-hidden />}
              onClick={() => setAction('cancel')}
            >
              Cancel job
            </Button>
          )}
          {job.state !== 'running' && (
            <Button
              variant="light"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => setAction('delete')}
            >
              Delete
            </Button>
          )}
        </Group>
        {job.state === 'running' && (
          <Text size="xs" c="dimmed">
            A running job can be retried, cancelled or deleted once it has finished.
          </Text>
        )}
        <Text size="sm" role="status">
          {done}
        </Text>
      </Stack>

      <Section title="Timeline">
        <JobTimeline job={job} />
      </Section>

      <Section title="Payload">
        <ScrollArea.Autosize mah={360} type="auto">
          <Code block aria-label="Payload as JSON" tabIndex={0}>
            {prettyJson(job.payload)}
          </Code>
        </ScrollArea.Autosize>
      </Section>

      <ConfirmModal
        opened={action !== null}
        title={action ? actionCopy[action].title(job.id) : ''}
        confirmLabel={action ? actionCopy[action].confirm : ''}
        confirmColor={action ? actionCopy[action].color : undefined}
        cancelLabel={action === 'cancel' ? 'Keep it' : 'Cancel'}
        pending={mutation.isPending}
        error={failureMessage}
        onClose={close}
        onConfirm={confirm}
      >
        {action && actionBody(action, job)}
      </ConfirmModal>
    </Stack>
  );
}

/** One job: its state, attempts, last error, timeline and payload, and what can be done to it. */
export function JobDrawer({ jobId, onClose }: { jobId: number | null; onClose: () => void }) {
  const job = useJob(jobId);

  let content: ReactNode = null;
  if (jobId !== null && job.isPending) {
    content = (
      <Stack gap="sm" aria-busy="true" aria-label="Loading">
        <Skeleton height={14} width="60%" />
        <Skeleton height={14} width="40%" />
        <Skeleton height={200} />
      </Stack>
    );
  } else if (job.isError) {
    content =
      isApiError(job.error) && job.error.code === 'not_found' ? (
        <Text size="sm" c="dimmed">
          Job #{jobId} does not exist (any more): deleted jobs and old finished ones are gone.
        </Text>
      ) : (
        <ErrorState
          title="Couldn't load this job"
          error={job.error}
          onRetry={() => void job.refetch()}
          retrying={job.isFetching}
        />
      );
  } else if (job.data) {
    // Keyed by id: another job's drawer starts without the last one's confirmation or message.
    content = <JobDetails key={job.data.id} job={job.data} onDeleted={onClose} />;
  }

  return (
    <Drawer
      opened={jobId !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={jobId !== null ? `Job #${jobId}` : 'Job'}
      closeButtonProps={{ 'aria-label': 'Close job details' }}
    >
      {content}
    </Drawer>
  );
}
