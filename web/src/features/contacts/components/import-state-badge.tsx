import { Badge } from '@mantine/core';
import type { ImportState } from '../api/get-import';

const labels: Record<ImportState, string> = {
  uploading: 'Uploading',
  mapping: 'Needs mapping',
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const colors: Record<ImportState, string> = {
  uploading: 'blue',
  mapping: 'violet',
  queued: 'gray',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  cancelled: 'orange',
};

export function ImportStateBadge({ state }: { state: ImportState }) {
  return (
    <Badge color={colors[state]} variant="light">
      {labels[state]}
    </Badge>
  );
}
