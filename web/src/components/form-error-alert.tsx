import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';

/** The message of a failed submit that belongs to no single field; renders nothing without one. */
export function FormErrorAlert({ message, icon }: { message: string | null; icon?: ReactNode }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" role="alert" icon={icon}>
      {message}
    </Alert>
  );
}
