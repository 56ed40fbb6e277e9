import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormErrorAlert } from '@/components/form-error-alert';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import type { Me } from '@/lib/auth';
import { canManageWorkspace } from '@/lib/authorization';
import { formatDate } from '@/lib/format';
import { useServerFormErrors } from '@/lib/form-errors';
import { useUpdateWorkspace } from '../api/update-workspace';
import { ContactsSettings } from './contacts-settings-form';

function RenameForm({ me }: { me: Me }) {
  const updateWorkspace = useUpdateWorkspace();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: me.workspace.name },
    validate: { name: (value) => (value.trim() === '' ? 'Enter a name for the workspace' : null) },
  });
  const serverErrors = useServerFormErrors(form, ['name']);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    updateWorkspace.mutate(
      { name: values.name.trim() },
      {
        onSuccess: (workspace) => {
          form.resetDirty({ name: workspace.name });
          notifications.show({ color: 'teal', message: `Workspace renamed to ${workspace.name}.` });
        },
        onError: serverErrors.show,
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Rename workspace">
      <Stack gap="md" maw={480}>
        <TextInput label="Workspace name" {...form.getInputProps('name')} />
        <FormErrorAlert message={serverErrors.formError} />
        <Group>
          <Button type="submit" loading={updateWorkspace.isPending} disabled={!form.isDirty()}>
            Save name
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function WorkspaceSettings({ me }: { me: Me }) {
  const editable = canManageWorkspace(me.role);
  return (
    <Stack gap="lg">
      <SectionCard
        title="Workspace"
        description={`Created ${formatDate(me.workspace.created_at)}. Everyone in it sees this name.`}
      >
        {editable ? (
          <RenameForm me={me} />
        ) : (
          <Stack gap="md">
            <div>
              <Text size="sm" c="dimmed">
                Workspace name
              </Text>
              <Text fw={600}>{me.workspace.name}</Text>
            </div>
            <RestrictedNotice>Only owners and admins can rename the workspace.</RestrictedNotice>
          </Stack>
        )}
      </SectionCard>
      <ContactsSettings editable={editable} />
    </Stack>
  );
}
