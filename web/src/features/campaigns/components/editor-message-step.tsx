import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconCode } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { formatNumber } from '@/lib/format';
import type { AudienceEstimate } from '../api/estimate-audience';
import type { ContactField } from '../api/get-contact-fields';
import type { SampleContact } from '../api/get-sample-contact';
import type { Template } from '../api/get-templates';
import type { EditorValues } from '../lib/editor';
import {
  defaultParam,
  fillText,
  type ParamDraft,
  personalizationToken,
  previewTemplate,
  standardFields,
  templateSlots,
  type VariableSlot,
} from '../lib/message';
import { MessagePreview } from './message-preview';

const categoryLabels: Record<string, string> = {
  MARKETING: 'Marketing',
  UTILITY: 'Utility',
  AUTHENTICATION: 'Authentication',
};

const statusColors: Record<string, string> = {
  APPROVED: 'green',
  PENDING: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'gray',
};

function fieldOptions(fields: ContactField[]) {
  return [
    {
      group: 'Contact',
      items: standardFields.map((field) => ({ value: field.key, label: field.label })),
    },
    ...(fields.length > 0
      ? [
          {
            group: 'Custom fields',
            items: fields.map((field) => ({ value: field.key, label: field.label })),
          },
        ]
      : []),
  ];
}

function ParamRow({
  slot,
  draft,
  onChange,
  fields,
  error,
}: {
  slot: VariableSlot;
  draft: ParamDraft;
  onChange: (draft: ParamDraft) => void;
  fields: ContactField[];
  error: string | undefined;
}) {
  if (slot.kind === 'media') {
    return (
      <TextInput
        label={slot.label}
        description="The file's public https:// address."
        placeholder="https://…"
        value={draft.source === 'link' ? draft.link : ''}
        onChange={(event) => onChange({ source: 'link', link: event.currentTarget.value })}
        error={error}
      />
    );
  }
  const sources = [
    { value: 'field', label: 'Contact field' },
    { value: 'text', label: 'Fixed text' },
  ];
  return (
    <Paper withBorder radius="md" p="sm" role="group" aria-label={slot.label}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={600}>
            {slot.label}
          </Text>
          {slot.example && (
            <Text size="xs" c="dimmed">
              Example: {slot.example}
            </Text>
          )}
        </Group>
        {slot.kind === 'url' && (
          <Switch
            label="Track clicks"
            description={
              slot.detail
                ? `The button's URL (${slot.detail}) must be https://<your Kirim>/r/{{1}} for tracking.`
                : undefined
            }
            checked={draft.source === 'click'}
            onChange={(event) =>
              onChange(event.currentTarget.checked ? { source: 'click' } : defaultParam(slot))
            }
          />
        )}
        {draft.source !== 'click' && (
          <Group gap="xs" align="flex-start" grow wrap="wrap">
            <NativeSelect
              label="Value from"
              data={sources}
              value={draft.source === 'field' ? 'field' : 'text'}
              onChange={(event) =>
                onChange(
                  event.currentTarget.value === 'field'
                    ? { source: 'field', field: 'name', fallback: '' }
                    : { source: 'text', text: '' },
                )
              }
            />
            {draft.source === 'field' ? (
              <>
                <Select
                  label="Field"
                  data={fieldOptions(fields)}
                  value={draft.field}
                  allowDeselect={false}
                  searchable
                  onChange={(field) => field && onChange({ ...draft, field })}
                />
                <TextInput
                  label="Fallback"
                  description="When the contact has no value"
                  value={draft.fallback}
                  onChange={(event) => onChange({ ...draft, fallback: event.currentTarget.value })}
                />
              </>
            ) : (
              draft.source === 'text' && (
                <TextInput
                  label="Text"
                  value={draft.text}
                  onChange={(event) =>
                    onChange({ source: 'text', text: event.currentTarget.value })
                  }
                />
              )
            )}
          </Group>
        )}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function TemplatePicker({
  templates,
  value,
  onChange,
  error,
}: {
  templates: Template[];
  value: number | null;
  onChange: (id: number | null) => void;
  error: string | undefined;
}) {
  const data = templates.map((template) => ({
    value: String(template.id),
    label: `${template.name} (${template.language})`,
    disabled: template.status !== 'APPROVED',
  }));
  const chosen = templates.find((template) => template.id === value);
  return (
    <Stack gap={6}>
      <Select
        label="Template"
        description="Only approved templates can be sent."
        placeholder={templates.length === 0 ? 'No templates yet' : 'Choose a template'}
        data={data}
        value={value === null ? null : String(value)}
        onChange={(id) => onChange(id === null ? null : Number(id))}
        searchable
        nothingFoundMessage="No template matches"
        error={error}
        renderOption={({ option }) => {
          const template = templates.find((candidate) => String(candidate.id) === option.value);
          return (
            <Group gap="xs" wrap="nowrap" justify="space-between" w="100%">
              <Text size="sm">{option.label}</Text>
              {template && (
                <Group gap={4} wrap="nowrap">
                  <Badge size="xs" variant="light" color="gray">
                    {categoryLabels[template.category] ?? template.category}
                  </Badge>
                  <Badge size="xs" variant="light" color={statusColors[template.status] ?? 'gray'}>
                    {template.status.toLowerCase()}
                  </Badge>
                </Group>
              )}
            </Group>
          );
        }}
      />
      {chosen && (
        <Group gap="xs" aria-label="Chosen template">
          <Badge variant="light" color={statusColors[chosen.status] ?? 'gray'}>
            {chosen.status.toLowerCase()}
          </Badge>
          <Badge variant="light" color="gray">
            {categoryLabels[chosen.category] ?? chosen.category}
          </Badge>
          <Badge variant="light" color="gray">
            {chosen.language}
          </Badge>
        </Group>
      )}
      {templates.length === 0 && (
        <Text size="sm" c="dimmed">
          Create or sync templates under{' '}
          <Anchor component={Link} to="/templates" size="sm">
            Templates
          </Anchor>
          .
        </Text>
      )}
    </Stack>
  );
}

function TextComposer({
  values,
  onChange,
  fields,
  error,
  windowClosed,
}: {
  values: EditorValues;
  onChange: (patch: Partial<EditorValues>) => void;
  fields: ContactField[];
  error: string | undefined;
  windowClosed: number | null;
}) {
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [field, setField] = useState('name');
  const [fallback, setFallback] = useState('');

  const insert = () => {
    const token = personalizationToken(field, fallback);
    const element = textarea.current;
    const start = element?.selectionStart ?? values.text.length;
    const end = element?.selectionEnd ?? values.text.length;
    onChange({ text: values.text.slice(0, start) + token + values.text.slice(end) });
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <Stack gap="sm">
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
        Free-form messages reach only contacts who wrote to you in the last 24 hours (their window
        is open); everyone else is left out.
        {windowClosed !== null && windowClosed > 0 && (
          <> Right now that leaves out {formatNumber(windowClosed)} of this audience.</>
        )}{' '}
        Use a template to reach the others.
      </Alert>
      <Textarea
        ref={textarea}
        label="Message"
        description="WhatsApp formatting works: *bold*, _italic_, ~strike~. Links are tracked."
        value={values.text}
        onChange={(event) => onChange({ text: event.currentTarget.value })}
        autosize
        minRows={5}
        maxLength={4096}
        error={error}
      />
      <Group gap="xs" align="flex-end" role="group" aria-label="Insert a contact field">
        <Select
          label="Field"
          data={fieldOptions(fields)}
          value={field}
          allowDeselect={false}
          onChange={(next) => next && setField(next)}
          w={180}
        />
        <TextInput
          label="Fallback"
          value={fallback}
          onChange={(event) => setFallback(event.currentTarget.value)}
          w={160}
        />
        <Button variant="default" leftSection={<IconCode size={14} aria-hidden />} onClick={insert}>
          Insert {personalizationToken(field, fallback)}
        </Button>
      </Group>
      <Checkbox
        label="Show a preview of the first link"
        checked={values.previewUrl}
        onChange={(event) => onChange({ previewUrl: event.currentTarget.checked })}
      />
    </Stack>
  );
}

interface MessageStepProps {
  values: EditorValues;
  onChange: (patch: Partial<EditorValues>) => void;
  templates: Template[];
  fields: ContactField[];
  errors: Record<string, string>;
  sample: SampleContact | null;
  estimate: AudienceEstimate | undefined;
}

/** A template with its variables mapped, or free-form text; and the preview beside it. */
export function MessageStep({
  values,
  onChange,
  templates,
  fields,
  errors,
  sample,
  estimate,
}: MessageStepProps) {
  const template = templates.find((candidate) => candidate.id === values.templateId);
  const slots = template ? templateSlots(template) : [];
  const params: Record<string, ParamDraft> = {};
  for (const slot of slots) params[slot.key] = values.params[slot.key] ?? defaultParam(slot);
  const preview =
    values.messageKind === 'text'
      ? {
          header: null,
          body: fillText(values.text, sample),
          footer: null,
          buttons: [],
        }
      : template
        ? previewTemplate(template, params, sample)
        : null;
  const leftover = Object.entries(errors).filter(
    ([key]) =>
      key !== 'message' &&
      key !== 'message.kind' &&
      key !== 'message.template_id' &&
      key !== 'message.text' &&
      !slots.some((slot) => key === `message.params.${slot.key}`),
  );

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="md">
        <SegmentedControl
          aria-label="Kind of message"
          value={values.messageKind}
          onChange={(kind) => onChange({ messageKind: kind as EditorValues['messageKind'] })}
          data={[
            { value: 'template', label: 'Template' },
            { value: 'text', label: 'Free-form text' },
          ]}
        />
        {(errors.message ?? errors['message.kind']) && (
          <Text size="sm" c="red" role="alert">
            {errors.message ?? errors['message.kind']}
          </Text>
        )}
        {values.messageKind === 'template' ? (
          <>
            <TemplatePicker
              templates={templates}
              value={values.templateId}
              onChange={(templateId) => onChange({ templateId })}
              error={errors['message.template_id']}
            />
            {template && slots.length === 0 && (
              <Text size="sm" c="dimmed">
                This template has no variables: everyone receives the same message.
              </Text>
            )}
            {slots.map((slot) => (
              <ParamRow
                key={slot.key}
                slot={slot}
                draft={params[slot.key]!}
                onChange={(draft) => onChange({ params: { ...values.params, [slot.key]: draft } })}
                fields={fields}
                error={errors[`message.params.${slot.key}`]}
              />
            ))}
          </>
        ) : (
          <TextComposer
            values={values}
            onChange={onChange}
            fields={fields}
            error={errors['message.text']}
            windowClosed={estimate?.excluded.window_closed ?? null}
          />
        )}
        {leftover.map(([key, reason]) => (
          <Text key={key} size="sm" c="red" role="alert">
            {key.replace(/^message\.(params\.)?/, '')}: {reason}
          </Text>
        ))}
      </Stack>
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          Preview
        </Text>
        <Text size="xs" c="dimmed">
          {sample
            ? `As ${sample.name ?? sample.phone} would receive it.`
            : 'With the fallbacks: no contact of this audience to show it for.'}
        </Text>
        {preview ? (
          <MessagePreview preview={preview} label="Message preview" />
        ) : (
          <Text size="sm" c="dimmed">
            Choose a template to see the message.
          </Text>
        )}
      </Stack>
    </SimpleGrid>
  );
}
