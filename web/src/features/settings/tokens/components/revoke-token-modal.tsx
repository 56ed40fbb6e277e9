import { notifications } from '@mantine/notifications';
import { ConfirmModal } from '@/components/confirm-modal';
import { useRevokeToken } from '../api/revoke-token';
import type { ApiToken } from '../api/get-tokens';

export function RevokeTokenModal({
  token,
  onClose,
}: {
  token: ApiToken | null;
  onClose: () => void;
}) {
  const revokeToken = useRevokeToken();
  const close = () => {
    revokeToken.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={token !== null}
      title={token ? `Revoke “${token.name}”?` : 'Revoke token?'}
      confirmLabel="Revoke token"
      pending={revokeToken.isPending}
      error={revokeToken.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!token) return;
        revokeToken.mutate(token.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `Token “${token.name}” was revoked.` });
            close();
          },
        });
      }}
    >
      Anything using <strong>{token?.name}</strong> ({token?.prefix}…) stops working at once. This
      cannot be undone.
    </ConfirmModal>
  );
}
