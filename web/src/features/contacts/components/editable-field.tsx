import { ActionIcon, Group, Loader, Stack, Switch, Text } from '@mantine/core';
import { IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { isApiError } from '@/lib/api-client';
import type { Contact } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import { useUpdateContact } from '../api/update-contact';
import { fieldValueToInput, formatFieldValue, inputToFieldValue } from '../utils/field-values';
import { FieldValueInput } from './field-value-input';

/** The server's reason for this field, wherever in the error it is. */
function reasonFor(error: unknown, key: string): string | null {
  if (!error) return null;
  if (!isApiError(error)) return 'Could not save. Try again.';
  return error.details[`fields.${key}`] ?? error.details[key] ?? error.message;
}

interface EditableFieldProps {
  contact: Contact;
  field: ContactField;
  editable: boolean;
}

/**
 * One custom field of a contact, changed in place: a switch for yes/no, a picker for dates and
 * choices (saved as soon as one is picked), an input for text and numbers (Enter saves, Escape
 * cancels). A refused value keeps the input open with the reason under it.
 */
export function EditableField({ contact, field, editable }: EditableFieldProps) {
  const update = useUpdateContact();
  const stored = contact.fields[field.key] ?? null;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const error = reasonFor(update.error, field.key);
  const shown = formatFieldValue(field, stored);

  const save = (input: string, after?: () => void) => {
    const value = inputToFieldValue(field.type, input);
    update.mutate({ id: contact.id, fields: { [field.key]: value } }, { onSuccess: after });
  };

  const labelId = `field-${field.key}-label`;
  const label = (
    <Text size="sm" fw={500} id={labelId} c="dimmed">
      {field.label}
    </Text>
  );

  if (!editable) {
    return (
      <Stack gap={2}>
        {label}
        <Text size="sm" c={shown === null ? 'dimmed' : undefined} aria-labelledby={labelId}>
          {shown ?? 'Not set'}
        </Text>
      </Stack>
    );
  }

  if (field.type === 'boolean') {
    return (
      <Stack gap={2}>
        {label}
        <Group gap="xs">
          <Switch
            aria-labelledby={labelId}
            checked={stored === true}
            onChange={(event) => save(String(event.currentTarget.checked))}
            disabled={update.isPending}
            label={stored === null ? 'Not set' : stored === true ? 'Yes' : 'No'}
            error={error}
          />
          {update.isPending && <Loader size={14} aria-label="Saving" />}
        </Group>
      </Stack>
    );
  }

  if (field.type === 'date' || field.type === 'choice') {
    return (
      <FieldValueInput
        field={field}
        label={field.label}
        value={fieldValueToInput(stored)}
        onChange={(value) => save(value)}
        error={error}
        disabled={update.isPending}
        size="sm"
      />
    );
  }

  if (!editing) {
    return (
      <Stack gap={2}>
        {label}
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" c={shown === null ? 'dimmed' : undefined} aria-labelledby={labelId}>
            {shown ?? 'Not set'}
          </Text>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={`Edit ${field.label}`}
            onClick={() => {
              update.reset();
              setDraft(fieldValueToInput(stored));
              setEditing(true);
            }}
          >
            <IconPencil size={14} aria-hidden />
          </ActionIcon>
        </Group>
      </Stack>
    );
  }

  const submit = () => save(draft, () => setEditing(false));
  const cancel = () => {
    update.reset();
    setEditing(false);
  };

  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <FieldValueInput
        field={field}
        label={field.label}
        value={draft}
        onChange={setDraft}
        error={error}
        autoFocus
        size="sm"
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            submit();
          } else if (event.key === 'Escape') {
            event.preventDefault();
            cancel();
          }
        }}
      />
      <Group gap={4} mt={26} wrap="nowrap">
        <ActionIcon
          variant="light"
          aria-label={`Save ${field.label}`}
          onClick={submit}
          loading={update.isPending}
        >
          <IconCheck size={16} aria-hidden />
        </ActionIcon>
        <ActionIcon
          variant="subtle"
          color="gray"
          aria-label={`Cancel editing ${field.label}`}
          onClick={cancel}
          disabled={update.isPending}
        >
          <IconX size={16} aria-hidden />
        </ActionIcon>
      </Group>
    </Group>
  );
}
