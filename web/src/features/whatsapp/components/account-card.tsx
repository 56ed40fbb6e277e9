import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import {
  IconAlertTriangle,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
  IconTrash,
} from '@tabler/icons-react';
import { useId } from 'react';
import { notifications } from '@mantine/notifications';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { Account } from '../api/get-accounts';
import { useRefreshAccount } from '../api/refresh-account';
import { useUpdateAccount } from '../api/update-account';
import { isSecretSet, type SecretField, secretFields, secretLabels } from '../lib/secrets';
import { callbackUrl } from '../lib/webhook-urls';
import { CopyField } from '@/components/copy-field';
import { PhoneNumbersTable } from './phone-numbers-table';

export interface AccountActions {
  onEdit: (account: Account) => void;
  onPause: (account: Account) => void;
  onDelete: (account: Account) => void;
  onReplaceSecret: (account: Account, field: SecretField) => void;
}

function SecretRow({
  account,
  field,
  onReplace,
}: {
  account: Account;
  field: SecretField;
  onReplace: ((field: SecretField) => void) | null;
}) {
  const set = isSecretSet(account, field);
  const label = secretLabels[field];
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm">
        {label}:{' '}
        <Text span fw={600} c={set ? undefined : 'dimmed'}>
          {set ? 'set' : 'not set'}
        </Text>
      </Text>
      {onReplace && (
        <Button variant="subtle" size="compact-xs" onClick={() => onReplace(field)}>
          {set ? `Replace ${label.toLowerCase()}` : `Set ${label.toLowerCase()}`}
        </Button>
      )}
    </Group>
  );
}

/** One connected account: its state, secrets, webhook URL and numbers, with its actions. */
export function AccountCard({
  account,
  actions,
}: {
  account: Account;
  /** Null for people who may only look. */
  actions: AccountActions | null;
}) {
  const titleId = useId();
  const refresh = useRefreshAccount();
  const resume = useUpdateAccount();
  const paused = account.status === 'paused';
  // A refresh that just failed says why in its own words; otherwise the stored reason of the
  // last failed refresh (at creation, or by an earlier click) is shown.
  const refreshError = refresh.isError ? refresh.error.message : account.refresh_error;

  const onRefresh = () =>
    refresh.mutate(account.id, {
      onSuccess: (updated) => {
        const count = updated.phone_numbers.length;
        if (!updated.refresh_error) {
          notifications.show({
            color: 'teal',
            message: `${updated.name}: ${count} phone number${count === 1 ? '' : 's'} refreshed from Meta.`,
          });
        }
      },
    });

  const onResume = () =>
    resume.mutate(
      { id: account.id, status: 'active' },
      {
        onSuccess: () =>
          notifications.show({ color: 'teal', message: `${account.name} is active again.` }),
        onError: (error) =>
          notifications.show({
            color: 'red',
            title: `Couldn't resume ${account.name}`,
            message: error.message,
          }),
      },
    );

  return (
    <Paper withBorder radius="md" p="lg" component="article" aria-labelledby={titleId}>
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" gap="sm">
          <div style={{ minWidth: 0 }}>
            <Group gap="xs" wrap="nowrap">
              <Title order={3} size="h4" id={titleId}>
                {account.name}
              </Title>
              <Badge variant="light" color={paused ? 'yellow' : 'green'}>
                {paused ? 'Paused' : 'Active'}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              WABA ID <Code>{account.waba_id}</Code>
            </Text>
          </div>
          {actions && (
            <Group gap="xs">
              <Button
                variant="light"
                size="xs"
                leftSection={<IconRefresh size={14} aria-hidden />}
                loading={refresh.isPending}
                onClick={onRefresh}
              >
                Refresh from Meta
              </Button>
              {paused ? (
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconPlayerPlay size={14} aria-hidden />}
                  loading={resume.isPending}
                  onClick={onResume}
                >
                  Resume
                </Button>
              ) : (
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconPlayerPause size={14} aria-hidden />}
                  onClick={() => actions.onPause(account)}
                >
                  Pause
                </Button>
              )}
              <Button
                variant="default"
                size="xs"
                leftSection={<IconPencil size={14} aria-hidden />}
                onClick={() => actions.onEdit(account)}
              >
                Edit
              </Button>
              <Button
                variant="subtle"
                color="red"
                size="xs"
                leftSection={<IconTrash size={14} aria-hidden />}
                onClick={() => actions.onDelete(account)}
              >
                Delete
              </Button>
            </Group>
          )}
        </Group>

        {paused && (
          <Alert color="yellow" variant="light" icon={<IconPlayerPause size={18} aria-hidden />}>
            Paused{account.paused_reason ? `: ${account.paused_reason}` : ''}. Nothing is sent
            through its numbers until it is resumed.
          </Alert>
        )}
        {refreshError && (
          <Alert
            color="red"
            variant="light"
            role="alert"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="Refreshing from Meta failed"
          >
            {refreshError}
          </Alert>
        )}

        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <Stack gap={6} aria-label={`Secrets of ${account.name}`} role="group">
            {secretFields.map((field) => (
              <SecretRow
                key={field}
                account={account}
                field={field}
                onReplace={actions ? (next) => actions.onReplaceSecret(account, next) : null}
              />
            ))}
          </Stack>
          <Stack gap={6}>
            <Text size="sm">
              Graph API:{' '}
              {account.graph_url ? <Code>{account.graph_url}</Code> : "Meta's (graph.facebook.com)"}
            </Text>
            <Text size="sm">
              Numbers refreshed:{' '}
              {account.refreshed_at ? (
                <span title={formatDateTime(account.refreshed_at)}>
                  {formatRelative(account.refreshed_at)}
                </span>
              ) : (
                'never'
              )}
            </Text>
          </Stack>
        </SimpleGrid>

        <CopyField
          label="Webhook callback URL"
          value={callbackUrl(account.webhook_path)}
          description="Paste it into your Meta app's WhatsApp webhook settings, with this account's verify token."
        />

        <PhoneNumbersTable accountName={account.name} numbers={account.phone_numbers} />
      </Stack>
    </Paper>
  );
}
