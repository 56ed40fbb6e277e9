import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { FormErrorAlert } from './form-error-alert';

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  /** Names the action, e.g. "Revoke token", never a bare "OK". */
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: string | null;
  /** Red by default; a change that destroys nothing may say so with another colour. */
  confirmColor?: string;
  /** The button that leaves things as they are, when "Cancel" would be ambiguous. */
  cancelLabel?: string;
}

/** Asks before a consequential change; the confirm button is named after the action. */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
  pending = false,
  error = null,
  confirmColor = 'red',
  cancelLabel = 'Cancel',
}: ConfirmModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack gap="md">
        <Text size="sm" component="div">
          {children}
        </Text>
        <FormErrorAlert message={error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button color={confirmColor} onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
