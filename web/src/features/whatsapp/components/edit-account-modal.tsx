import { TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { FormModal } from '@/components/form-modal';
import { useServerFormErrors } from '@/lib/form-errors';
import type { Account } from '../api/get-accounts';
import { type UpdateAccountInput, useUpdateAccount } from '../api/update-account';
import { checkGraphUrl, checkWabaId } from '../lib/account-rules';

const fields = ['name', 'waba_id', 'graph_url'] as const;

interface EditAccountModalProps {
  account: Account | null;
  onClose: () => void;
}

/** Renames an account or points it elsewhere; its secrets have their own "Replace" dialogs. */
export function EditAccountModal(props: EditAccountModalProps) {
  // A fresh form for each account, started from its saved values.
  return <EditAccountForm key={props.account?.id ?? 'none'} {...props} />;
}

function EditAccountForm({ account, onClose }: EditAccountModalProps) {
  const updateAccount = useUpdateAccount();
  const form = useForm({
    mode: 'controlled',
    initialValues: {
      name: account?.name ?? '',
      waba_id: account?.waba_id ?? '',
      graph_url: account?.graph_url ?? '',
    },
    validate: {
      name: (value) => (value.trim() === '' ? 'Enter a name' : null),
      waba_id: checkWabaId,
      graph_url: checkGraphUrl,
    },
  });
  const serverErrors = useServerFormErrors(form, fields);

  const close = () => {
    form.clearErrors();
    serverErrors.clear();
    updateAccount.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    if (!account) return;
    serverErrors.clear();
    // Only what changed, so that an unchanged WABA ID does not trigger a refetch of numbers.
    const changes: UpdateAccountInput = { id: account.id };
    if (values.name.trim() !== account.name) changes.name = values.name.trim();
    if (values.waba_id.trim() !== account.waba_id) changes.waba_id = values.waba_id.trim();
    if (values.graph_url.trim() !== (account.graph_url ?? '')) {
      changes.graph_url = values.graph_url.trim();
    }
    if (Object.keys(changes).length === 1) {
      close();
      return;
    }
    updateAccount.mutate(changes, {
      onSuccess: (updated) => {
        notifications.show({ color: 'teal', message: `${updated.name} was saved.` });
        close();
      },
      onError: serverErrors.show,
    });
  });

  return (
    <FormModal
      opened={account !== null}
      title={account ? `Edit ${account.name}` : 'Edit account'}
      onClose={close}
      onSubmit={submit}
      submitLabel="Save account"
      pending={updateAccount.isPending}
      error={serverErrors.formError}
    >
      <TextInput label="Name" autoComplete="off" data-autofocus {...form.getInputProps('name')} />
      <TextInput
        label="WABA ID"
        inputMode="numeric"
        autoComplete="off"
        {...form.getInputProps('waba_id')}
      />
      <TextInput
        label="Graph API URL"
        description="Leave empty for Meta's Graph API."
        placeholder="https://graph.facebook.com/v23.0"
        autoComplete="off"
        {...form.getInputProps('graph_url')}
      />
    </FormModal>
  );
}
