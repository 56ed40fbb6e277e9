import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { SectionCard } from '@/components/section-card';
import { serverFormErrors } from '@/lib/form-errors';
import { minimumPasswordLength, useChangePassword } from '../api/change-password';

const fields = ['current', 'next', 'confirm'] as const;
const fieldMap = { current_password: 'current', new_password: 'next' } as const;

export function PasswordForm() {
  const changePassword = useChangePassword();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { current: '', next: '', confirm: '' },
    validate: {
      current: (value) => (value === '' ? 'Enter your current password' : null),
      next: (value) =>
        value.length < minimumPasswordLength
          ? `Use at least ${minimumPasswordLength} characters`
          : null,
      confirm: (value, values) => (value === values.next ? null : 'The passwords do not match'),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    changePassword.mutate(
      { current_password: values.current, new_password: values.next },
      {
        onSuccess: () => {
          form.reset();
          notifications.show({
            color: 'teal',
            title: 'Password changed',
            message: 'Your other sessions were logged out.',
          });
        },
        onError: (error) => {
          const { fieldErrors, formError } = serverFormErrors(error, fields, fieldMap);
          form.setErrors(fieldErrors);
          setFormError(formError);
        },
      },
    );
  });

  return (
    <SectionCard
      title="Password"
      description="Changing it logs you out everywhere except in this browser."
    >
      <form onSubmit={submit} noValidate aria-label="Change password">
        <Stack gap="md" maw={480}>
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            {...form.getInputProps('current')}
          />
          <PasswordInput
            label="New password"
            description={`At least ${minimumPasswordLength} characters.`}
            autoComplete="new-password"
            {...form.getInputProps('next')}
          />
          <PasswordInput
            label="Confirm new password"
            autoComplete="new-password"
            {...form.getInputProps('confirm')}
          />
          {formError && (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={changePassword.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
