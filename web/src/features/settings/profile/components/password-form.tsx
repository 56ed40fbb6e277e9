import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormErrorAlert } from '@/components/form-error-alert';
import { SectionCard } from '@/components/section-card';
import { useServerFormErrors } from '@/lib/form-errors';
import { checkNewPassword, minimumPasswordLength } from '@/lib/validation';
import { useChangePassword } from '../api/change-password';

const fields = ['current', 'next', 'confirm'] as const;
const fieldMap = { current_password: 'current', new_password: 'next' } as const;

export function PasswordForm() {
  const changePassword = useChangePassword();
  const form = useForm({
    mode: 'controlled',
    initialValues: { current: '', next: '', confirm: '' },
    validate: {
      current: (value) => (value === '' ? 'Enter your current password' : null),
      next: checkNewPassword,
      confirm: (value, values) => (value === values.next ? null : 'The passwords do not match'),
    },
  });
  const serverErrors = useServerFormErrors(form, fields, { fieldMap });

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
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
        onError: serverErrors.show,
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
          <FormErrorAlert message={serverErrors.formError} />
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
