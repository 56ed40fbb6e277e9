import { Button, Group, Progress, Skeleton, Stack, Text } from '@mantine/core';
import { formatNumber } from '@/lib/format';
import { useFailures } from '../api/get-failures';

/** Failures grouped by WhatsApp error code, most frequent first. */
export function FailuresList({
  campaignId,
  pollMs,
}: {
  campaignId: number;
  pollMs: number | false;
}) {
  const failures = useFailures(campaignId, pollMs);
  if (failures.isPending) return <Skeleton height={80} />;
  if (failures.isError) {
    return (
      <Group gap="sm" role="alert">
        <Text size="sm" c="dimmed">
          The failures could not be loaded.
        </Text>
        <Button size="compact-sm" variant="light" onClick={() => void failures.refetch()}>
          Try again
        </Button>
      </Group>
    );
  }
  if (failures.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No message has failed.
      </Text>
    );
  }
  const most = failures.data[0]?.count ?? 1;
  return (
    <Stack gap="xs" role="list" aria-label="Failures by error">
      {failures.data.map((failure) => (
        <div key={failure.code} role="listitem" aria-label={`Error ${failure.code}`}>
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="sm" truncate title={failure.title}>
              <Text span ff="monospace" size="sm" c="dimmed">
                {failure.code}
              </Text>{' '}
              {failure.title}
            </Text>
            <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatNumber(failure.count)}
            </Text>
          </Group>
          <Progress value={(failure.count / most) * 100} color="red" size="sm" aria-hidden />
        </div>
      ))}
    </Stack>
  );
}
