import { Group, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import type { EditorValues, ScheduleMode } from '../lib/editor';

interface ScheduleStepProps {
  values: EditorValues;
  onChange: (patch: Partial<EditorValues>) => void;
  errors: Record<string, string>;
}

export function ScheduleStep({ values, onChange, errors }: ScheduleStepProps) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <Stack gap="md">
      <SegmentedControl
        aria-label="When to send"
        value={values.scheduleMode}
        onChange={(mode) => onChange({ scheduleMode: mode as ScheduleMode })}
        data={[
          { value: 'now', label: 'Now' },
          { value: 'at', label: 'At a date and time' },
          { value: 'local', label: "At each contact's local time" },
        ]}
      />
      {errors['schedule.mode'] && (
        <Text size="sm" c="red" role="alert">
          {errors['schedule.mode']}
        </Text>
      )}
      {values.scheduleMode === 'now' && (
        <Text size="sm" c="dimmed">
          Sending starts as soon as the campaign is launched.
        </Text>
      )}
      {values.scheduleMode === 'at' && (
        <TextInput
          type="datetime-local"
          label="Send at"
          description={`In your time zone, ${zone}.`}
          value={values.at}
          onChange={(event) => onChange({ at: event.currentTarget.value })}
          error={errors['schedule.at'] ?? errors.schedule}
          maw={280}
        />
      )}
      {values.scheduleMode === 'local' && (
        <Group gap="sm" align="flex-start">
          <TextInput
            type="date"
            label="Date"
            value={values.localDate}
            onChange={(event) => onChange({ localDate: event.currentTarget.value })}
            error={errors['schedule.date'] ?? errors.schedule}
          />
          <TextInput
            type="time"
            label="Time"
            description="In each contact's own time zone"
            value={values.localTime}
            onChange={(event) => onChange({ localTime: event.currentTarget.value })}
            error={errors['schedule.time']}
          />
        </Group>
      )}
      <Switch
        label="Quiet hours"
        description="No message leaves during these hours of the contact's local time; sending resumes after."
        checked={values.quietHours}
        onChange={(event) => onChange({ quietHours: event.currentTarget.checked })}
      />
      {values.quietHours && (
        <Group gap="sm" align="flex-start">
          <TextInput
            type="time"
            label="From"
            value={values.quietStart}
            onChange={(event) => onChange({ quietStart: event.currentTarget.value })}
            error={errors.quiet_hours}
          />
          <TextInput
            type="time"
            label="Until"
            value={values.quietEnd}
            onChange={(event) => onChange({ quietEnd: event.currentTarget.value })}
          />
        </Group>
      )}
    </Stack>
  );
}
