import { PasswordInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import type { Account } from '../api/get-accounts';
import { useUpdateAccount } from '../api/update-account';
import { isSecretSet, secretHelp, type SecretField, secretLabels } from '../lib/secrets';

export interface SecretTarget {
  account: Account;
  field: SecretField;
}

/**
 * Sets or replaces one secret of an account. The current value is never shown (the server
 * does not return it); the new one goes out once and is stored encrypted.
 */
export function ReplaceSecretModal({
  target,
  onClose,
}: {
  target: SecretTarget | null;
  onClose: () => void;
}) {
  const updateAccount = useUpdateAccount();
  const form = useForm({
    mode: 'controlled',
    initialValues: { secret: '' },
    validate: { secret: (value) => (value.trim() === '' ? 'Enter the new value' : null) },
  });
  const serverErrors = useServerFormErrors(form, ['secret'], {
    fieldMap: target ? { [target.field]: 'secret' } : {},
  });

  const close = () => {
    form.reset();
    serverErrors.clear();
    updateAccount.reset();
    onClose();
  };

  const label = target ? secretLabels[target.field] : 'Secret';
  const replacing = target ? isSecretSet(target.account, target.field) : false;
  const verb = replacing ? 'Replace' : 'Set';

  const submit = form.onSubmit((values) => {
    if (!target) return;
    serverErrors.clear();
    updateAccount.mutate(
      { id: target.account.id, [target.field]: values.secret.trim() },
      {
        onSuccess: (updated) => {
          notifications.show({
            color: 'teal',
            message: `${label} of ${updated.name} ${replacing ? 'replaced' : 'set'}.`,
          });
          close();
        },
        onError: serverErrors.show,
      },
    );
  });

  return (
    <FormModal
      opened={target !== null}
      title={target ? `${verb} the ${label.toLowerCase()} of ${target.account.name}` : verb}
      onClose={close}
      onSubmit={submit}
      submitLabel={`${verb} ${label.toLowerCase()}`}
      pending={updateAccount.isPending}
      error={serverErrors.formError}
    >
      <PasswordInput
        label={`New ${label.toLowerCase()}`}
        description={target ? secretHelp[target.field] : undefined}
        autoComplete="off"
        data-autofocus
        {...form.getInputProps('secret')}
      />
    </FormModal>
  );
}
