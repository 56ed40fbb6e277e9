import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { FormErrorAlert } from '@/components/form-error-alert';
import { type ApiError, isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { formatWaitMinutes } from '@/lib/format';
import { looksLikeEmail } from '@/lib/validation';
import { useLogin } from '../api/login';

/** Turns a failed login into words; the server never says which of email or password was wrong. */
function loginErrorMessage(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong. Try again.';
  return messageFor(error);
}

function messageFor(error: ApiError): string {
  switch (error.code) {
    case 'invalid_credentials':
      return 'Email or password is incorrect';
    case 'too_many_requests':
      return error.retryAfterSeconds === null
        ? 'Too many attempts, try again later'
        : `Too many attempts, try again in ${formatWaitMinutes(error.retryAfterSeconds)}`;
    default:
      return error.message;
  }
}

export function LoginForm({ onSuccess }: { onSuccess: (me: Me) => void }) {
  const loginMutation = useLogin();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (value) => (looksLikeEmail(value) ? null : 'Enter your email address'),
      password: (value) => (value.length > 0 ? null : 'Enter your password'),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    loginMutation.mutate(
      { email: values.email.trim(), password: values.password },
      {
        onSuccess,
        onError: (error) => {
          if (isApiError(error) && error.code === 'validation_failed') {
            form.setErrors(error.details);
          }
          setFormError(loginErrorMessage(error));
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Log in">
      <Stack gap="md">
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          autoFocus
          {...form.getInputProps('email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          {...form.getInputProps('password')}
        />
        <FormErrorAlert message={formError} icon={<IconAlertCircle aria-hidden />} />
        <Button type="submit" fullWidth loading={loginMutation.isPending}>
          Log in
        </Button>
      </Stack>
    </form>
  );
}
