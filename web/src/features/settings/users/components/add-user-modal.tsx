import {
  Alert,
  Button,
  Group,
  Modal,
  NativeSelect,
  PasswordInput,
  Stack,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { isApiError } from '@/lib/api-client';
import type { Role } from '@/lib/auth';
import { assignableRoles, roleDescriptions, roleLabels } from '@/lib/authorization';
import { serverFormErrors } from '@/lib/form-errors';
import { useCreateUser } from '../api/create-user';

// The server's password minimum (docs/api.md, POST /me/password), applied to new users too.
const minimumPasswordLength = 10;
const fields = ['email', 'name', 'password', 'role'] as const;

interface AddUserModalProps {
  opened: boolean;
  onClose: () => void;
  actorRole: Role;
}

export function AddUserModal({ opened, onClose, actorRole }: AddUserModalProps) {
  const createUser = useCreateUser();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', name: '', password: '', role: 'editor' as Role },
    validate: {
      // Loose on purpose: the server owns the exact rule and says so in `details`.
      email: (value) => (/^\S+@\S+$/.test(value.trim()) ? null : 'Enter a valid email address'),
      name: (value) => (value.trim() === '' ? 'Enter their name' : null),
      password: (value) =>
        value.length < minimumPasswordLength
          ? `Use at least ${minimumPasswordLength} characters`
          : null,
    },
  });

  const close = () => {
    form.reset();
    setFormError(null);
    createUser.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    setFormError(null);
    createUser.mutate(
      {
        email: values.email.trim(),
        name: values.name.trim(),
        password: values.password,
        role: values.role,
      },
      {
        onSuccess: (user) => {
          notifications.show({
            color: 'teal',
            title: 'User added',
            message: `${user.name} can now log in as ${user.email}.`,
          });
          close();
        },
        onError: (error) => {
          const placed = serverFormErrors(error, fields);
          // A taken email comes back as 409 without details on some paths; it still belongs
          // under the Email field.
          if (
            isApiError(error) &&
            error.code === 'conflict' &&
            placed.fieldErrors.email === undefined
          ) {
            placed.fieldErrors.email = error.message;
            placed.formError = null;
          }
          form.setErrors(placed.fieldErrors);
          setFormError(placed.formError);
        },
      },
    );
  });

  return (
    <Modal opened={opened} onClose={close} title="Add a user" centered>
      <form onSubmit={submit} noValidate aria-label="Add a user">
        <Stack gap="md">
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('email')}
          />
          <TextInput label="Name" autoComplete="off" {...form.getInputProps('name')} />
          <PasswordInput
            label="Password"
            description="Share it with them privately; they can change it in their profile."
            autoComplete="new-password"
            {...form.getInputProps('password')}
          />
          <NativeSelect
            label="Role"
            description={roleDescriptions[form.values.role]}
            data={assignableRoles(actorRole).map((role) => ({
              value: role,
              label: roleLabels[role],
            }))}
            {...form.getInputProps('role')}
          />
          {formError && (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={createUser.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={createUser.isPending}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
