import { TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import { type CreatedToken, useCreateToken } from '../api/create-token';

interface CreateTokenModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: CreatedToken) => void;
}

export function CreateTokenModal({ opened, onClose, onCreated }: CreateTokenModalProps) {
  const createToken = useCreateToken();
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '' },
    validate: { name: (value) => (value.trim() === '' ? 'Name the token' : null) },
  });
  const serverErrors = useServerFormErrors(form, ['name']);

  const close = () => {
    form.reset();
    serverErrors.clear();
    createToken.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    createToken.mutate(
      { name: values.name.trim() },
      {
        onSuccess: (created) => {
          close();
          onCreated(created);
        },
        onError: serverErrors.show,
      },
    );
  });

  return (
    <FormModal
      opened={opened}
      title="Create an API token"
      onClose={close}
      onSubmit={submit}
      submitLabel="Create token"
      pending={createToken.isPending}
      error={serverErrors.formError}
    >
      <TextInput
        label="Token name"
        description="Say where it will be used, e.g. “CRM sync” or “CI deploys”."
        data-autofocus
        {...form.getInputProps('name')}
      />
    </FormModal>
  );
}
