import {
  Alert,
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  ScrollArea,
  Skeleton,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconRepeat } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { ErrorState } from '@/components/error-state';
import { useWebhookEvent } from '../api/get-webhook-event';
import { useReplayWebhookEvent } from '../api/replay-webhook-event';
import { copyToClipboard } from '@/lib/clipboard';
import { formatBytes, outcomeStyle } from '../lib/labels';
import { OutcomeBadge } from './badges';
import { formatReceivedAt, prettyBody } from '../lib/webhook-format';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={130} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function RawBody({ body }: { body: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const pretty = prettyBody(body);
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600} size="sm" id="webhook-raw-body">
          Raw body
        </Text>
        <Button
          size="xs"
          variant={copied ? 'filled' : 'default'}
          color={copied ? 'teal' : undefined}
          leftSection={
            copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />
          }
          onClick={() => void copyToClipboard(body).then(setCopied)}
        >
          {copied ? 'Copied' : 'Copy body'}
        </Button>
      </Group>
      {copied === false && (
        <Text size="xs" c="dimmed" role="status">
          This browser blocked the clipboard; select the text below and copy it.
        </Text>
      )}
      <ScrollArea.Autosize mah={480} type="auto">
        <Code block aria-labelledby="webhook-raw-body" tabIndex={0}>
          {pretty}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** One received webhook: what it was, what became of it, its raw body, and "Replay". */
export function WebhookEventDrawer({
  eventId,
  accountName,
  onClose,
}: {
  eventId: number | null;
  accountName: (id: number | null) => string;
  onClose: () => void;
}) {
  const event = useWebhookEvent(eventId);
  const replay = useReplayWebhookEvent();

  const close = () => {
    replay.reset();
    onClose();
  };

  let content: ReactNode = null;
  if (eventId !== null && event.isPending) {
    content = (
      <Stack gap="sm" aria-busy="true" aria-label="Loading">
        <Skeleton height={14} width="60%" />
        <Skeleton height={14} width="40%" />
        <Skeleton height={200} />
      </Stack>
    );
  } else if (event.isError) {
    content = (
      <ErrorState
        title="Couldn't load this webhook"
        error={event.error}
        onRetry={() => void event.refetch()}
        retrying={event.isFetching}
      />
    );
  } else if (event.data) {
    const shown = event.data;
    content = (
      <Stack gap="md">
        <Table withRowBorders={false} verticalSpacing={4} aria-label="Webhook details">
          <Table.Tbody>
            <Fact label="Outcome">
              <OutcomeBadge outcome={shown.outcome} />
            </Fact>
            <Fact label="Received">{formatReceivedAt(shown.received_at)}</Fact>
            <Fact label="Processed">
              {shown.processed_at ? formatReceivedAt(shown.processed_at) : 'not yet'}
            </Fact>
            <Fact label="Account">{accountName(shown.account_id)}</Fact>
            <Fact label="Kinds">
              <Group gap={4}>
                {shown.kinds.length === 0
                  ? '—'
                  : shown.kinds.map((kind) => (
                      <Badge key={kind} variant="outline" color="gray" tt="none">
                        {kind}
                      </Badge>
                    ))}
              </Group>
            </Fact>
            <Fact label="Summary">{shown.summary || '—'}</Fact>
            <Fact label="Size">{formatBytes(shown.size_bytes)}</Fact>
          </Table.Tbody>
        </Table>
        {shown.error && (
          <Alert
            color="red"
            variant="light"
            title="Processing failed"
            icon={<IconAlertTriangle size={18} aria-hidden />}
          >
            {shown.error}
          </Alert>
        )}
        <Group gap="sm">
          <Button
            leftSection={<IconRepeat size={16} aria-hidden />}
            loading={replay.isPending}
            onClick={() => replay.mutate(shown.id)}
          >
            Replay
          </Button>
          <Text size="sm" role="status">
            {replay.isSuccess &&
              `Replayed: ${outcomeStyle(replay.data.outcome).label.toLowerCase()}${
                replay.data.error ? ` (${replay.data.error})` : ''
              }`}
          </Text>
        </Group>
        {replay.isError && (
          <Alert color="red" variant="light" role="alert" title="Replay failed">
            {replay.error.message}
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          Replaying processes the stored body again; processing is idempotent, so statuses and
          messages already recorded are not counted twice.
        </Text>
        {shown.body !== undefined && <RawBody body={shown.body} />}
      </Stack>
    );
  }

  return (
    <Drawer
      opened={eventId !== null}
      onClose={close}
      position="right"
      size="xl"
      title={eventId !== null ? `Webhook #${eventId}` : 'Webhook'}
      closeButtonProps={{ 'aria-label': 'Close webhook details' }}
    >
      {content}
    </Drawer>
  );
}
