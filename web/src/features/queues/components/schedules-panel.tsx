import { Anchor, Button, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCalendarTime, IconPencil, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ListTable } from '@/components/list-table';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type Schedule, useSchedules } from '../api/get-schedules';
import { useRunSchedule } from '../api/run-schedule';
import { useUpdateSchedule } from '../api/update-schedule';
import { useNow } from '../hooks/use-now';
import { EditScheduleModal } from './edit-schedule-modal';

function jobLink(id: number): string {
  return `/operations?tab=jobs&job=${id}`;
}

function When({ iso, now, none }: { iso: string | null; now: Date; none: string }) {
  if (iso === null) {
    return (
      <Text size="sm" c="dimmed">
        {none}
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="sm">{formatRelative(iso, now)}</Text>
      <Text size="xs" c="dimmed">
        {formatDateTime(iso)}
      </Text>
    </Stack>
  );
}

function EnabledSwitch({ schedule }: { schedule: Schedule }) {
  const update = useUpdateSchedule();
  const pending = update.isPending;
  // Shows the change at once; the server's answer (or a failure) settles it.
  const checked =
    pending && update.variables ? Boolean(update.variables.changes.enabled) : schedule.enabled;
  return (
    <Switch
      checked={checked}
      disabled={pending}
      aria-label={`Enable ${schedule.name}`}
      onChange={(event) => {
        const enabled = event.currentTarget.checked;
        update.mutate(
          { name: schedule.name, changes: { enabled } },
          {
            onSuccess: (updated) =>
              notifications.show({
                color: updated.enabled ? 'teal' : 'gray',
                message: updated.enabled
                  ? `${updated.name} is on again.`
                  : `${updated.name} is off; it runs only when you run it now.`,
              }),
            onError: (error) =>
              notifications.show({
                color: 'red',
                title: `Couldn't ${enabled ? 'enable' : 'disable'} ${schedule.name}`,
                message: error.message,
              }),
          },
        );
      }}
    />
  );
}

function RunNowButton({ schedule }: { schedule: Schedule }) {
  const run = useRunSchedule();
  // Notifications live outside the router, so the link navigates with this page's navigate.
  const navigate = useNavigate();
  return (
    <Button
      size="xs"
      variant="light"
      leftSection={<IconPlayerPlay size={14} aria-hidden />}
      loading={run.isPending}
      aria-label={`Run ${schedule.name} now`}
      onClick={() =>
        run.mutate(schedule.name, {
          onSuccess: ({ job_id: jobId }) =>
            notifications.show({
              color: 'teal',
              title: `${schedule.name} is queued`,
              message: (
                <>
                  It runs as{' '}
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => void navigate(jobLink(jobId))}
                  >
                    job #{jobId}
                  </Anchor>
                  .
                </>
              ),
            }),
          onError: (error) =>
            notifications.show({
              color: 'red',
              title: `Couldn't run ${schedule.name}`,
              message: error.message,
            }),
        })
      }
    >
      Run now
    </Button>
  );
}

/** The recurring jobs: when they run next and last, on or off, run now, and their timing. */
export function SchedulesPanel() {
  const schedules = useSchedules();
  const now = useNow(15_000);
  const [editing, setEditing] = useState<Schedule | null>(null);

  let content;
  if (schedules.isPending) content = <TableSkeleton columns={6} rows={2} />;
  else if (schedules.isError) {
    content = (
      <ErrorState
        title="Couldn't load the schedules"
        error={schedules.error}
        onRetry={() => void schedules.refetch()}
        retrying={schedules.isFetching}
      />
    );
  } else if (schedules.data.length === 0) {
    content = (
      <EmptyState
        icon={<IconCalendarTime size={26} aria-hidden />}
        title="No schedules"
        description="Recurring jobs, such as the nightly clean-up, are listed here once the server's scheduler has registered them."
      />
    );
  } else {
    content = (
      <ListTable
        label="Schedules"
        columns={['Schedule', 'Runs', 'Next run', 'Last run', 'Enabled']}
        withActions
        minWidth={900}
      >
        {schedules.data.map((schedule) => (
          <Table.Tr key={schedule.name}>
            <Table.Td>
              <Text size="sm" fw={600}>
                {schedule.name}
              </Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {schedule.kind} · {schedule.queue}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{schedule.description}</Text>
              <Text size="xs" c="dimmed">
                <Text span ff="monospace" inherit>
                  {schedule.cron}
                </Text>{' '}
                · {schedule.timezone}
              </Text>
            </Table.Td>
            <Table.Td>
              <When
                iso={schedule.enabled ? schedule.next_run_at : null}
                now={now}
                none={schedule.enabled ? 'never again' : 'off'}
              />
            </Table.Td>
            <Table.Td>
              {schedule.last_run_at === null ? (
                <Text size="sm" c="dimmed">
                  not yet
                </Text>
              ) : (
                <Stack gap={0}>
                  <Text size="sm">{formatRelative(schedule.last_run_at, now)}</Text>
                  {schedule.last_job_id !== null && (
                    <Anchor component={Link} to={jobLink(schedule.last_job_id)} size="xs">
                      Job #{schedule.last_job_id}
                    </Anchor>
                  )}
                </Stack>
              )}
            </Table.Td>
            <Table.Td>
              <EnabledSwitch schedule={schedule} />
            </Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                <RunNowButton schedule={schedule} />
                <Button
                  size="xs"
                  variant="default"
                  leftSection={<IconPencil size={14} aria-hidden />}
                  aria-label={`Edit ${schedule.name}`}
                  onClick={() => setEditing(schedule)}
                >
                  Edit
                </Button>
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </ListTable>
    );
  }

  return (
    <SectionCard
      title="Schedules"
      description="Jobs the server queues on a timetable. Turning one off stops its runs; Run now queues it at once either way."
    >
      {content}
      <EditScheduleModal schedule={editing} onClose={() => setEditing(null)} />
    </SectionCard>
  );
}
