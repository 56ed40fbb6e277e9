import { notifications } from '@mantine/notifications';
import { ConfirmModal } from '@/components/confirm-modal';
import type { User } from '@/lib/auth';
import { useDeleteUser } from '../api/delete-user';

export function RemoveUserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const deleteUser = useDeleteUser();
  const close = () => {
    deleteUser.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={user !== null}
      title={user ? `Remove ${user.name}?` : 'Remove user?'}
      confirmLabel="Remove user"
      pending={deleteUser.isPending}
      error={deleteUser.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!user) return;
        deleteUser.mutate(user.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `${user.name} was removed.` });
            close();
          },
        });
      }}
    >
      {user && (
        <>
          <strong>{user.name}</strong> ({user.email}) loses access at once: their sessions end and
          their API tokens are revoked. This cannot be undone.
        </>
      )}
    </ConfirmModal>
  );
}
