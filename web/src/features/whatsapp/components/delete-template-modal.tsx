import { notifications } from '@mantine/notifications';
import { ConfirmModal } from '@/components/confirm-modal';
import type { Template } from '../api/get-templates';
import { useDeleteTemplate } from '../api/delete-template';

export function DeleteTemplateModal({
  template,
  onClose,
  onDeleted,
}: {
  template: Template | null;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const deleteTemplate = useDeleteTemplate();
  const close = () => {
    deleteTemplate.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={template !== null}
      title={template ? `Delete ${template.name}?` : 'Delete template?'}
      confirmLabel="Delete template"
      pending={deleteTemplate.isPending}
      error={deleteTemplate.error?.message ?? null}
      onClose={close}
      onConfirm={() => {
        if (!template) return;
        deleteTemplate.mutate(template.id, {
          onSuccess: () => {
            notifications.show({
              color: 'teal',
              message: `${template.name} (${template.language}) was deleted.`,
            });
            onDeleted?.();
            close();
          },
        });
      }}
    >
      {template && (
        <>
          <strong>{template.name}</strong> ({template.language}) is deleted here and at Meta. Meta
          does not accept a new template with a deleted name for 30 days.
        </>
      )}
    </ConfirmModal>
  );
}
