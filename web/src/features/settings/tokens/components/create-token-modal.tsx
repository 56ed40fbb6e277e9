import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { serverFormErrors } from '@/lib/form-errors';
import { type CreatedToken, useCreateToken } from '../api/create-token';

interface CreateTokenModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: CreatedToken) => void;
}

export function CreateTokenModal({ opened, onClose, onCreated }: CreateTokenModalProps) {
  const createToken = useCreateToken();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (value) => (value.trim() === '' ? 'Name the token' : null) },
  });

  const close = () => {
    form.reset();
    setFormError(null);
    createToken.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    setFormError(null);
    createToken.mutate(
      { name: values.name.trim() },
      {
        onSuccess: (created) => {
          close();
          onCreated(created);
        },
        onError: (error) => {
          const { fieldErrors, formError } = serverFormErrors(error, ['name'] as const);
          form.setErrors(fieldErrors);
          setFormError(formError);
        },
      },
    );
  });

  return (
    <Modal opened={opened} onClose={close} title="Create an API token" centered>
      <form onSubmit={submit} noValidate aria-label="Create an API token">
        <Stack gap="md">
          <TextInput
            label="Token name"
            description="Say where it will be used, e.g. “CRM sync” or “CI deploys”."
            data-autofocus
            {...form.getInputProps('name')}
          />
          {formError && (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={createToken.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={createToken.isPending}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
