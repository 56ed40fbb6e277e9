import { notifications } from '@mantine/notifications';
import { ConfirmModal } from '@/components/confirm-modal';
import type { Contact } from '../api/get-contact';
import { useDeleteContact } from '../api/delete-contact';
import { contactDisplayName } from '../utils/contact-name';

interface DeleteContactModalProps {
  contact: Contact;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}

export function DeleteContactModal({
  contact,
  opened,
  onClose,
  onDeleted,
}: DeleteContactModalProps) {
  const deleteContact = useDeleteContact();
  const name = contactDisplayName(contact);
  const close = () => {
    deleteContact.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={opened}
      title={`Delete ${name}?`}
      confirmLabel="Delete contact"
      pending={deleteContact.isPending}
      error={deleteContact.error?.message ?? null}
      onClose={close}
      onConfirm={() =>
        deleteContact.mutate(contact.id, {
          onSuccess: () => {
            notifications.show({ color: 'teal', message: `${name} was deleted.` });
            onDeleted();
          },
        })
      }
    >
      Their tags, field values, consent history and conversation are deleted with them. This cannot
      be undone.
    </ConfirmModal>
  );
}
