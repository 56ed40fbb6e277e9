import { NativeSelect, PasswordInput, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import type { Role } from '@/lib/auth';
import { assignableRoles, roleDescriptions, roleLabels } from '@/lib/authorization';
import { useServerFormErrors } from '@/lib/form-errors';
import { checkNewPassword, looksLikeEmail } from '@/lib/validation';
import { useCreateUser } from '../api/create-user';

const fields = ['email', 'name', 'password', 'role'] as const;

interface AddUserModalProps {
  opened: boolean;
  onClose: () => void;
  actorRole: Role;
}

export function AddUserModal({ opened, onClose, actorRole }: AddUserModalProps) {
  const createUser = useCreateUser();
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', name: '', password: '', role: 'editor' as Role },
    validate: {
      email: (value) => (looksLikeEmail(value) ? null : 'Enter a valid email address'),
      name: (value) => (value.trim() === '' ? 'Enter their name' : null),
      password: checkNewPassword,
    },
  });
  // A taken email comes back as 409 without details on some paths; it still belongs under the
  // Email field.
  const serverErrors = useServerFormErrors(form, fields, { conflictField: 'email' });

  const close = () => {
    form.reset();
    serverErrors.clear();
    createUser.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
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
        onError: serverErrors.show,
      },
    );
  });

  return (
    <FormModal
      opened={opened}
      title="Add a user"
      onClose={close}
      onSubmit={submit}
      submitLabel="Add user"
      pending={createUser.isPending}
      error={serverErrors.formError}
    >
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
    </FormModal>
  );
}
