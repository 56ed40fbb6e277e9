import { Button, Group, Text } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import type { Account } from '../api/get-accounts';
import { useSyncTemplates } from '../api/sync-templates';

/** Fetches an account's templates from Meta and says what changed. */
export function SyncTemplatesButton({ account, named }: { account: Account; named: boolean }) {
  const sync = useSyncTemplates();
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        variant="default"
        size="xs"
        leftSection={<IconCloudDownload size={14} aria-hidden />}
        loading={sync.isPending}
        onClick={() => sync.mutate(account.id)}
        aria-label={named ? `Sync ${account.name} from Meta` : undefined}
      >
        {named ? `Sync ${account.name}` : 'Sync from Meta'}
      </Button>
      <Text size="xs" role="status" c={sync.isError ? 'red' : 'dimmed'}>
        {sync.isSuccess && `${sync.data.synced} synced, ${sync.data.removed} removed`}
        {sync.isError && `Sync failed: ${sync.error.message}`}
      </Text>
    </Group>
  );
}
