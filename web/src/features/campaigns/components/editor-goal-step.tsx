import { NativeSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import type { GoalKind } from '../api/get-campaign';
import { type EditorValues, goalValueLabels } from '../lib/editor';

/** The longest attribution window the server takes: 90 days. */
export const maxGoalWindowHours = 2160;

const goalOptions: { value: 'none' | GoalKind; label: string }[] = [
  { value: 'none', label: 'No goal' },
  { value: 'button', label: 'A button is pressed' },
  { value: 'keyword', label: 'The contact replies with a keyword' },
  { value: 'click', label: 'A tracked link is clicked' },
  { value: 'api', label: 'Your system reports it (POST /api/v1/conversions)' },
];

interface GoalStepProps {
  values: EditorValues;
  onChange: (patch: Partial<EditorValues>) => void;
  errors: Record<string, string>;
}

export function GoalStep({ values, onChange, errors }: GoalStepProps) {
  const valueLabel = values.goalKind === 'none' ? undefined : goalValueLabels[values.goalKind];
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        A goal counts recipients who converted: who did what you wanted within a window after their
        message.
      </Text>
      <NativeSelect
        label="Goal"
        data={goalOptions}
        value={values.goalKind}
        onChange={(event) =>
          onChange({ goalKind: event.currentTarget.value as EditorValues['goalKind'] })
        }
        error={errors['goal.kind'] ?? errors.goal}
        maw={420}
      />
      {valueLabel && (
        <TextInput
          label={valueLabel}
          description={
            values.goalKind === 'button'
              ? "The payload of the template's quick-reply button"
              : 'The whole reply, compared without case'
          }
          value={values.goalValue}
          onChange={(event) => onChange({ goalValue: event.currentTarget.value })}
          error={errors['goal.value']}
          maw={320}
        />
      )}
      {values.goalKind !== 'none' && (
        <NumberInput
          label="Attribution window"
          description="How long after the message a conversion still counts."
          min={1}
          max={maxGoalWindowHours}
          value={values.goalWindowHours}
          onChange={(hours) =>
            onChange({ goalWindowHours: Math.max(1, Math.round(Number(hours) || 1)) })
          }
          suffix=" hours"
          clampBehavior="strict"
          error={errors['goal.window_hours']}
          maw={220}
        />
      )}
    </Stack>
  );
}
