import { Alert, Anchor, Divider, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconUserExclamation } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { FormModal } from '@/components/form-modal';
import { isApiError } from '@/lib/api-client';
import { useServerFormErrors } from '@/lib/form-errors';
import { previewPhone } from '@/lib/phone';
import { type CreateContactInput, useCreateContact } from '../api/create-contact';
import type { ConsentState, FieldValue } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import { consentOptions } from '../utils/consent';
import { contactDisplayName } from '../utils/contact-name';
import { inputToFieldValue } from '../utils/field-values';
import { FieldValueInput } from './field-value-input';
import { TagInput } from './tag-input';

interface NewContactModalProps {
  opened: boolean;
  onClose: () => void;
  fields: ContactField[];
  tagNames: string[];
  /** Numbers without `+` are read in this region, as the server does. */
  defaultRegion: string | null;
}

interface Values {
  phone: string;
  name: string;
  language: string;
  tags: string[];
  consent: ConsentState;
  fields: Record<string, string>;
}

const standardFields = ['phone', 'name', 'language', 'tags', 'consent'] as const;

function initialValues(fields: ContactField[]): Values {
  return {
    phone: '',
    name: '',
    language: '',
    tags: [],
    consent: 'unknown',
    fields: Object.fromEntries(fields.map((field) => [field.key, ''])),
  };
}

export function NewContactModal({
  opened,
  onClose,
  fields,
  tagNames,
  defaultRegion,
}: NewContactModalProps) {
  const createContact = useCreateContact();
  const [existingId, setExistingId] = useState<number | null>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initialValues(fields),
    validate: {
      phone: (value) => (value.trim() === '' ? 'Enter a phone number' : null),
    },
  });
  const formFields = [...standardFields, ...fields.map((field) => `fields.${field.key}`)];
  // A custom field's reason may come back as `fields.city` or as plain `city`.
  const fieldMap = Object.fromEntries(
    fields
      .filter((field) => !(standardFields as readonly string[]).includes(field.key))
      .map((field) => [field.key, `fields.${field.key}`]),
  );
  const serverErrors = useServerFormErrors(form, formFields, { fieldMap });

  const close = () => {
    form.setValues(initialValues(fields));
    form.resetDirty();
    form.clearErrors();
    serverErrors.clear();
    createContact.reset();
    setExistingId(null);
    onClose();
  };

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    setExistingId(null);
    const customValues: Record<string, FieldValue> = {};
    for (const field of fields) {
      const value = inputToFieldValue(field.type, values.fields[field.key] ?? '');
      if (value !== null) customValues[field.key] = value;
    }
    const input: CreateContactInput = {
      phone: values.phone.trim(),
      ...(values.name.trim() ? { name: values.name.trim() } : {}),
      ...(values.language.trim() ? { language: values.language.trim() } : {}),
      ...(values.tags.length > 0 ? { tags: values.tags } : {}),
      ...(Object.keys(customValues).length > 0 ? { fields: customValues } : {}),
      consent: values.consent,
    };
    createContact.mutate(input, {
      onSuccess: (contact) => {
        notifications.show({
          color: 'teal',
          title: 'Contact added',
          message: `${contactDisplayName(contact)} is now a contact.`,
        });
        close();
      },
      onError: (error) => {
        const id = isApiError(error) && error.code === 'conflict' ? Number(error.details.id) : NaN;
        if (Number.isInteger(id) && id > 0) {
          setExistingId(id);
          form.setFieldError('phone', 'This number is already a contact');
          return;
        }
        serverErrors.show(error);
      },
    });
  });

  const preview = previewPhone(form.values.phone, defaultRegion);

  return (
    <FormModal
      opened={opened}
      title="New contact"
      onClose={close}
      onSubmit={submit}
      submitLabel="Add contact"
      pending={createContact.isPending}
      error={serverErrors.formError}
    >
      <TextInput
        label="Phone number"
        description={
          preview
            ? `Saved as ${preview}`
            : defaultRegion
              ? `Numbers without + are read as ${defaultRegion} numbers.`
              : 'Include the country code, e.g. +62 812 3456 7890.'
        }
        type="tel"
        autoComplete="off"
        data-autofocus
        {...form.getInputProps('phone')}
      />
      {existingId !== null && (
        <Alert color="yellow" variant="light" icon={<IconUserExclamation size={18} aria-hidden />}>
          This number is already a contact.{' '}
          <Anchor component={Link} to={`/contacts/${existingId}`} onClick={close}>
            Open the contact
          </Anchor>
        </Alert>
      )}
      <TextInput label="Name" autoComplete="off" {...form.getInputProps('name')} />
      <TextInput
        label="Language"
        description="A WhatsApp language code such as en, id or pt_BR."
        autoComplete="off"
        {...form.getInputProps('language')}
      />
      <TagInput
        label="Tags"
        suggestions={tagNames}
        value={form.values.tags}
        onChange={(tags) => form.setFieldValue('tags', tags)}
        error={typeof form.errors.tags === 'string' ? form.errors.tags : null}
      />
      <NativeSelect
        label="Consent"
        description="Opt in only people who agreed to receive WhatsApp messages from you."
        data={consentOptions}
        {...form.getInputProps('consent')}
      />
      {fields.length > 0 && (
        <Stack gap="sm">
          <Divider label="Custom fields" labelPosition="left" />
          {fields.map((field) => (
            <FieldValueInput
              key={field.key}
              field={field}
              label={field.label}
              value={form.values.fields[field.key] ?? ''}
              onChange={(value) => form.setFieldValue(`fields.${field.key}`, value)}
              error={form.errors[`fields.${field.key}`]}
            />
          ))}
        </Stack>
      )}
      {fields.length === 0 && (
        <Text size="xs" c="dimmed">
          Custom fields defined under Settings → Contact fields appear here.
        </Text>
      )}
    </FormModal>
  );
}
