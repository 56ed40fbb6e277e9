import { notifications } from '@mantine/notifications';
import { ConfirmModal } from '@/components/confirm-modal';
import { useDeleteAccount } from '../api/delete-account';
import type { Account } from '../api/get-accounts';
import { useUpdateAccount } from '../api/update-account';

export function PauseAccountModal({
  account,
  onClose,
}: {
  account: Account | null;
  onClose: () => void;
}) {
  const updateAccount = useUpdateAccount();
  const close = () => {
    updateAccount.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={account !== null}
      title={account ? `Pause ${account.name}?` : 'Pause account?'}
      confirmLabel="Pause account"
      pending={updateAccount.isPending}
      error={updateAccount.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!account) return;
        updateAccount.mutate(
          { id: account.id, status: 'paused' },
          {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: `${account.name} is paused.` });
              close();
            },
          },
        );
      }}
    >
      Nothing is sent through the numbers of <strong>{account?.name}</strong> until you resume it.
      Webhooks from Meta are still received and recorded.
    </ConfirmModal>
  );
}

export function DeleteAccountModal({
  account,
  onClose,
}: {
  account: Account | null;
  onClose: () => void;
}) {
  const deleteAccount = useDeleteAccount();
  const close = () => {
    deleteAccount.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={account !== null}
      title={account ? `Delete ${account.name}?` : 'Delete account?'}
      confirmLabel="Delete account"
      pending={deleteAccount.isPending}
      error={deleteAccount.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!account) return;
        deleteAccount.mutate(account.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `${account.name} was removed.` });
            close();
          },
        });
      }}
    >
      {account && (
        <>
          Kirim forgets <strong>{account.name}</strong> (WABA {account.waba_id}), its phone numbers,
          its templates and its secrets. Nothing changes at Meta, and you can connect it again
          later.
        </>
      )}
    </ConfirmModal>
  );
}
