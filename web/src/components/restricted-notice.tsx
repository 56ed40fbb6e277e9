import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** Explains why a management action is missing instead of silently hiding it. */
export function RestrictedNotice({ children }: { children: ReactNode }) {
  return (
    <Alert
      variant="light"
      color="gray"
      icon={<IconLock size={18} aria-hidden />}
      title="View only"
      role="note"
    >
      {children}
    </Alert>
  );
}
