import { Code, NativeSelect, TagsInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { FormEvent } from 'react';
import { FormModal } from '@/components/form-modal';
import type { ContactField } from '../api/get-contact-fields';
import type { NewFieldSpec } from '../api/get-import';
import { fieldKeyFromLabel, fieldTypeLabels } from '../utils/field-values';

interface NewFieldModalProps {
  /** The column the field is for, or null while closed. */
  column: { index: number; name: string; spec: NewFieldSpec | undefined } | null;
  existing: ContactField[];
  onSave: (spec: NewFieldSpec) => void;
  onClose: () => void;
}

const fieldTypes = Object.entries(fieldTypeLabels).map(([value, label]) => ({ value, label }));

/**
 * Defines a custom field that the import creates for a column (`"target": "new_field"`); the
 * field exists once the import starts.
 */
export function NewFieldModal({ column, existing, onSave, onClose }: NewFieldModalProps) {
  return column ? (
    <NewFieldForm
      key={column.index}
      column={column}
      existing={existing}
      onSave={onSave}
      onClose={onClose}
    />
  ) : null;
}

function NewFieldForm({
  column,
  existing,
  onSave,
  onClose,
}: NewFieldModalProps & { column: NonNullable<NewFieldModalProps['column']> }) {
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      label: column.spec?.label ?? column.name,
      type: column.spec?.type ?? 'text',
      choices: column.spec?.choices ?? ([] as string[]),
    },
    validate: {
      label: (value) => {
        const key = fieldKeyFromLabel(value);
        if (key === '') return 'Give the field a name with letters or digits';
        const clash = existing.find((field) => field.key === key);
        return clash
          ? `“${clash.label}” already exists: choose it in the column’s list instead`
          : null;
      },
      choices: (value, values) =>
        values.type === 'choice' && value.length === 0 ? 'List the allowed values' : null,
    },
  });
  const key = fieldKeyFromLabel(form.values.label);

  const submit = form.onSubmit((values) => {
    onSave({
      label: values.label.trim(),
      type: values.type,
      ...(values.type === 'choice' ? { choices: values.choices } : {}),
    });
  });

  return (
    <FormModal
      opened
      title={`New field for “${column.name}”`}
      onClose={onClose}
      onSubmit={(event: FormEvent<HTMLFormElement>) => submit(event)}
      submitLabel="Use this field"
      pending={false}
      error={null}
    >
      <TextInput
        label="Field name"
        description={
          key ? (
            <>
              Key <Code>{key}</Code>, used in filters and the API.
            </>
          ) : undefined
        }
        data-autofocus
        {...form.getInputProps('label')}
      />
      <NativeSelect
        label="Type"
        description="Values that do not fit the type fail their row, which the error report lists."
        data={fieldTypes}
        {...form.getInputProps('type')}
      />
      {form.values.type === 'choice' && (
        <TagsInput
          label="Choices"
          description="The values the column may hold; Enter adds one."
          {...form.getInputProps('choices')}
        />
      )}
    </FormModal>
  );
}
