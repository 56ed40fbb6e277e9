import { Autocomplete, Code, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import type { Schedule } from '../api/get-schedules';
import { useUpdateSchedule } from '../api/update-schedule';

const formFields = ['cron', 'timezone'] as const;

/** The browser's IANA zones, for suggestions; the server decides what is valid. */
function timeZoneNames(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

interface EditScheduleModalProps {
  schedule: Schedule | null;
  onClose: () => void;
}

/** Changes a schedule's cron expression and time zone; the server's reasons land at the field. */
export function EditScheduleModal({ schedule, onClose }: EditScheduleModalProps) {
  if (schedule === null) return null;
  return <EditScheduleForm key={schedule.name} schedule={schedule} onClose={onClose} />;
}

function EditScheduleForm({ schedule, onClose }: { schedule: Schedule; onClose: () => void }) {
  const update = useUpdateSchedule();
  const form = useForm({
    mode: 'controlled',
    initialValues: { cron: schedule.cron, timezone: schedule.timezone },
    validate: {
      cron: (value) => (value.trim() === '' ? 'Enter a cron expression' : null),
      timezone: (value) => (value.trim() === '' ? 'Enter a time zone, e.g. UTC' : null),
    },
  });
  const serverErrors = useServerFormErrors(form, formFields);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    update.mutate(
      {
        name: schedule.name,
        changes: { cron: values.cron.trim(), timezone: values.timezone.trim() },
      },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: 'teal',
            message: `${updated.name} now runs ${updated.description} (${updated.timezone}).`,
          });
          onClose();
        },
        onError: serverErrors.show,
      },
    );
  });

  return (
    <FormModal
      opened
      title={`Edit ${schedule.name}`}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Save schedule"
      pending={update.isPending}
      error={serverErrors.formError}
    >
      <Stack gap="md">
        <TextInput
          label="Cron expression"
          description={
            <>
              Five fields: minute, hour, day of month, month, day of week (<Code>15 3 * * *</Code>),
              or <Code>@daily</Code>, <Code>@every 5m</Code>.
            </>
          }
          ff="monospace"
          data-autofocus
          {...form.getInputProps('cron')}
        />
        <Autocomplete
          label="Time zone"
          description="The expression's times are read in this zone."
          data={timeZoneNames()}
          limit={30}
          {...form.getInputProps('timezone')}
        />
        <Text size="xs" c="dimmed">
          Runs {schedule.kind} on the {schedule.queue} queue.
        </Text>
      </Stack>
    </FormModal>
  );
}
