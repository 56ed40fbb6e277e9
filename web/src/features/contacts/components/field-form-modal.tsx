import { Code, NativeSelect, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import { useCreateContactField } from '../api/create-contact-field';
import type { ContactField } from '../api/get-contact-fields';
import { useUpdateContactField } from '../api/update-contact-field';
import { fieldKeyFromLabel, fieldTypeLabels } from '../utils/field-values';

const formFields = ['label', 'key', 'type', 'choices'] as const;
const typeOptions = Object.entries(fieldTypeLabels).map(([value, label]) => ({ value, label }));

interface FieldFormModalProps {
  /** `new` to create one, a field to edit it, null while closed. */
  editing: ContactField | 'new' | null;
  onClose: () => void;
}

/** Creates a custom field (label, key, type, choices) or renames one and edits its choices. */
export function FieldFormModal({ editing, onClose }: FieldFormModalProps) {
  if (editing === null) return null;
  return (
    <FieldForm
      key={editing === 'new' ? 'new' : editing.id}
      field={editing === 'new' ? null : editing}
      onClose={onClose}
    />
  );
}

function FieldForm({ field, onClose }: { field: ContactField | null; onClose: () => void }) {
  const createField = useCreateContactField();
  const updateField = useUpdateContactField();
  const pending = createField.isPending || updateField.isPending;
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      label: field?.label ?? '',
      key: '',
      type: field?.type ?? 'text',
      choices: field?.choices ?? ([] as string[]),
    },
    validate: {
      label: (value) => (value.trim() === '' ? 'Name the field' : null),
      key: (value, values) => {
        if (field) return null;
        const key = value.trim() || fieldKeyFromLabel(values.label);
        if (key === '') return 'Use letters or digits in the name, or enter a key';
        return /^[a-z0-9_]+$/.test(key) ? null : 'Use lower-case letters, digits and _ only';
      },
      choices: (value, values) =>
        values.type === 'choice' && value.length === 0 ? 'List at least one choice' : null,
    },
  });
  // A taken key comes back as 409; it belongs under Key.
  const serverErrors = useServerFormErrors(form, formFields, { conflictField: 'key' });
  const derivedKey = fieldKeyFromLabel(form.values.label);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    const choices = values.type === 'choice' ? { choices: values.choices } : {};
    if (field) {
      updateField.mutate(
        { id: field.id, label: values.label.trim(), ...choices },
        {
          onSuccess: (updated) => {
            notifications.show({ color: 'teal', message: `Saved ${updated.label}.` });
            onClose();
          },
          onError: serverErrors.show,
        },
      );
      return;
    }
    createField.mutate(
      {
        label: values.label.trim(),
        type: values.type,
        ...(values.key.trim() ? { key: values.key.trim() } : {}),
        ...choices,
      },
      {
        onSuccess: (created) => {
          notifications.show({
            color: 'teal',
            message: `${created.label} is now a field of every contact.`,
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
      title={field ? `Edit ${field.label}` : 'New contact field'}
      onClose={onClose}
      onSubmit={submit}
      submitLabel={field ? 'Save field' : 'Create field'}
      pending={pending}
      error={serverErrors.formError}
    >
      <TextInput label="Label" data-autofocus {...form.getInputProps('label')} />
      {field ? (
        <TextInput
          label="Key"
          value={field.key}
          readOnly
          description="Keys never change, so filters and API clients keep working."
        />
      ) : (
        <TextInput
          label="Key"
          placeholder={derivedKey || 'city'}
          description={
            <>
              Used in filters, imports and the API{derivedKey ? ': ' : '.'}
              {(form.values.key.trim() || derivedKey) && (
                <Code>{form.values.key.trim() || derivedKey}</Code>
              )}
            </>
          }
          {...form.getInputProps('key')}
        />
      )}
      <NativeSelect
        label="Type"
        data={typeOptions}
        disabled={field !== null}
        description={field ? 'The type cannot change once values exist.' : undefined}
        {...form.getInputProps('type')}
      />
      {form.values.type === 'choice' && (
        <TagsInput
          label="Choices"
          description="Enter adds a choice."
          {...form.getInputProps('choices')}
        />
      )}
    </FormModal>
  );
}
