import { Badge } from '@mantine/core';
import { jobStateStyle } from '../lib/format';

export function JobStateBadge({ state }: { state: string }) {
  const style = jobStateStyle(state);
  return (
    <Badge color={style.color} variant="light">
      {style.label}
    </Badge>
  );
}
