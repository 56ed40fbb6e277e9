import { Button, Group, Modal, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { FormErrorAlert } from './form-error-alert';

interface FormModalProps {
  opened: boolean;
  /** Names both the dialog and its form, e.g. "Add a user". */
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  /** Names the action, e.g. "Add user", never a bare "OK". */
  submitLabel: string;
  pending: boolean;
  /** A failure that belongs to no field, shown above the buttons. */
  error: string | null;
  /** The inputs. */
  children: ReactNode;
}

/** A dialog holding one form, with Cancel and a submit button named after the action. */
export function FormModal({
  opened,
  title,
  onClose,
  onSubmit,
  submitLabel,
  pending,
  error,
  children,
}: FormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <form onSubmit={onSubmit} noValidate aria-label={title}>
        <Stack gap="md">
          {children}
          <FormErrorAlert message={error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
