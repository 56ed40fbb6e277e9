import { Badge, Group, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatCount, formatDuration, formatNumber } from '@/lib/format';
import type { AudienceEstimate } from '../api/estimate-audience';
import type { SenderOption } from '../api/get-phone-numbers';
import type { Template } from '../api/get-templates';
import { audienceFromDraft } from '../lib/audience';
import {
  describeAudience,
  describeGoal,
  describeQuietHours,
  describeSchedule,
} from '../lib/describe';
import {
  type EditorStep,
  type EditorValues,
  estimatedSeconds,
  inputFromValues,
  sendersThroughput,
} from '../lib/editor';
import { formatMps } from '../lib/progress';

interface SummaryProps {
  values: EditorValues;
  template: Template | undefined;
  numbers: SenderOption[];
  estimate: UseQueryResult<AudienceEstimate>;
  /** How many problems each step has. */
  problems: Partial<Record<EditorStep, number>>;
  onOpenStep: (step: EditorStep) => void;
}

function Item({
  step,
  title,
  children,
  problems,
  onOpenStep,
}: {
  step: EditorStep;
  title: string;
  children: string;
  problems: number;
  onOpenStep: (step: EditorStep) => void;
}) {
  return (
    <UnstyledButton
      onClick={() => onOpenStep(step)}
      aria-label={`${title}: ${children}${problems > 0 ? ` (${problems} to fix)` : ''}. Open this step.`}
      p={6}
      style={{ borderRadius: 'var(--mantine-radius-sm)' }}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          {title}
        </Text>
        {problems > 0 && (
          <Badge size="xs" color="red" variant="light">
            {problems} to fix
          </Badge>
        )}
      </Group>
      <Text size="sm">{children}</Text>
    </UnstyledButton>
  );
}

/** What the campaign will do, step by step, with the live audience estimate and duration. */
export function EditorSummary({
  values,
  template,
  numbers,
  estimate,
  problems,
  onOpenStep,
}: SummaryProps) {
  const input = inputFromValues(values, template);
  const contacts = estimate.data?.contacts ?? null;
  const throughput = sendersThroughput(numbers, values.senders);
  const effectiveSpeed = throughput > 0 ? Math.min(values.speed, throughput) : values.speed;
  const seconds = contacts === null ? null : estimatedSeconds(contacts, effectiveSpeed);
  const chosen = numbers.filter((number) => values.senders.includes(number.id));
  const message =
    values.messageKind === 'text'
      ? values.text.trim() === ''
        ? 'Free-form text, not written yet'
        : 'Free-form text'
      : template
        ? `Template ${template.name} (${template.language})`
        : 'No template chosen';
  const item = (step: EditorStep, title: string, text: string) => (
    <Item step={step} title={title} problems={problems[step] ?? 0} onOpenStep={onOpenStep}>
      {text}
    </Item>
  );

  return (
    <Paper withBorder radius="md" p="sm" component="aside" aria-label="Summary">
      <Stack gap={2}>
        <Text fw={700} px={6} pb={4}>
          Summary
        </Text>
        {item('name', 'Name', values.name.trim() || 'Not named yet')}
        {item(
          'audience',
          'Audience',
          `${describeAudience(audienceFromDraft(values.audience))}${
            contacts === null ? '' : ` · ${formatCount(contacts, 'contact')} now`
          }`,
        )}
        {item('message', 'Message', message)}
        {item(
          'senders',
          'Senders',
          chosen.length === 0
            ? 'None chosen'
            : `${chosen.map((number) => number.display_number).join(', ')} · ${formatMps(effectiveSpeed)}`,
        )}
        {item(
          'schedule',
          'Schedule',
          `${describeSchedule(input.schedule ?? { mode: 'now' })}; quiet hours: ${describeQuietHours(
            input.quiet_hours ?? null,
          ).toLowerCase()}`,
        )}
        {item('goal', 'Goal', describeGoal(input.goal ?? null))}
        <Text size="sm" px={6} pt={6} c="dimmed" aria-label="Estimated duration">
          {seconds === null || contacts === null
            ? 'The duration shows once the audience is counted.'
            : contacts === 0
              ? 'Nobody to send to yet.'
              : `About ${formatDuration(seconds)} to send ${formatNumber(contacts)} messages.`}
        </Text>
      </Stack>
    </Paper>
  );
}
