import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormErrorAlert } from '@/components/form-error-alert';
import { SectionCard } from '@/components/section-card';
import type { Me } from '@/lib/auth';
import { useServerFormErrors } from '@/lib/form-errors';
import { useUpdateProfile } from '../api/update-profile';

export function ProfileForm({ me }: { me: Me }) {
  const updateProfile = useUpdateProfile();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: me.user.name },
    validate: { name: (value) => (value.trim() === '' ? 'Enter your name' : null) },
  });
  const serverErrors = useServerFormErrors(form, ['name']);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    updateProfile.mutate(
      { name: values.name.trim() },
      {
        onSuccess: (updated) => {
          form.resetDirty({ name: updated.user.name });
          notifications.show({ color: 'teal', message: 'Your name was saved.' });
        },
        onError: serverErrors.show,
      },
    );
  });

  return (
    <SectionCard title="Profile" description="How you appear to your teammates.">
      <form onSubmit={submit} noValidate aria-label="Profile">
        <Stack gap="md" maw={480}>
          <TextInput label="Email" value={me.user.email} readOnly variant="filled" />
          <TextInput label="Name" autoComplete="name" {...form.getInputProps('name')} />
          <FormErrorAlert message={serverErrors.formError} />
          <Group>
            <Button type="submit" loading={updateProfile.isPending} disabled={!form.isDirty()}>
              Save name
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
