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
import { IconAlertTriangle, IconRepeat } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ErrorState } from '@/components/error-state';
import { formatDateTime } from '@/lib/format';
import { useDelivery } from '../api/get-delivery';
import { useRedeliverDelivery } from '../api/redeliver-delivery';
import { prettyJson } from '../lib/events';
import { DeliveryStateBadge, HttpStatus } from './badges';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={150} fw={500} c="dimmed">
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function Block({ id, title, text }: { id: string; title: string; text: string }) {
  return (
    <Stack gap="xs">
      <Text fw={600} size="sm" id={id}>
        {title}
      </Text>
      <ScrollArea.Autosize mah={360} type="auto">
        <Code block aria-labelledby={id} tabIndex={0}>
          {text}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** One delivery: its state and attempts, the payload sent, the last answer, and "Redeliver". */
export function DeliveryDrawer({
  deliveryId,
  onClose,
}: {
  deliveryId: number | null;
  onClose: () => void;
}) {
  const delivery = useDelivery(deliveryId);
  const redeliver = useRedeliverDelivery();

  const close = () => {
    redeliver.reset();
    onClose();
  };

  let content: ReactNode = null;
  if (deliveryId !== null && delivery.isPending) {
    content = (
      <Stack gap="sm" aria-busy="true" aria-label="Loading">
        <Skeleton height={14} width="60%" />
        <Skeleton height={14} width="40%" />
        <Skeleton height={200} />
      </Stack>
    );
  } else if (delivery.isError) {
    content = (
      <ErrorState
        title="Couldn't load this delivery"
        error={delivery.error}
        onRetry={() => void delivery.refetch()}
        retrying={delivery.isFetching}
      />
    );
  } else if (delivery.data) {
    const shown = delivery.data;
    const attempted = shown.last_attempt_at !== null;
    content = (
      <Stack gap="md">
        <Table withRowBorders={false} verticalSpacing={4} aria-label="Delivery details">
          <Table.Tbody>
            <Fact label="State">
              <DeliveryStateBadge state={shown.state} />
            </Fact>
            <Fact label="Event">
              <Badge variant="outline" color="gray" tt="none">
                {shown.event}
              </Badge>
            </Fact>
            <Fact label="Response">
              <HttpStatus status={shown.response_status} attempted={attempted} />
            </Fact>
            <Fact label="Attempts">
              {shown.attempts}
              {shown.redeliveries > 0 && ` (redelivered ${shown.redeliveries}×)`}
            </Fact>
            <Fact label="Duration">
              {shown.duration_ms === null ? '—' : `${shown.duration_ms} ms`}
            </Fact>
            <Fact label="Created">{formatDateTime(shown.created_at)}</Fact>
            <Fact label="Last attempt">
              {shown.last_attempt_at ? formatDateTime(shown.last_attempt_at) : 'not yet'}
            </Fact>
            {shown.next_attempt_at && (
              <Fact label="Next attempt">{formatDateTime(shown.next_attempt_at)}</Fact>
            )}
            {shown.delivered_at && (
              <Fact label="Delivered">{formatDateTime(shown.delivered_at)}</Fact>
            )}
          </Table.Tbody>
        </Table>
        {shown.error && (
          <Alert
            color="red"
            variant="light"
            title={shown.state === 'failed' ? 'Delivery failed' : 'Last attempt failed'}
            icon={<IconAlertTriangle size={18} aria-hidden />}
          >
            {shown.error}
          </Alert>
        )}
        <Group gap="sm">
          <Button
            leftSection={<IconRepeat size={16} aria-hidden />}
            loading={redeliver.isPending}
            disabled={shown.state === 'pending'}
            onClick={() => redeliver.mutate(shown.id)}
          >
            Redeliver
          </Button>
          <Text size="sm" role="status">
            {redeliver.isSuccess && 'Queued again with the same id and body.'}
          </Text>
        </Group>
        {shown.state === 'pending' && (
          <Text size="xs" c="dimmed">
            A pending delivery is tried again on its own, with growing pauses, for about 10 hours.
          </Text>
        )}
        {redeliver.isError && (
          <Alert color="red" variant="light" role="alert" title="Redelivery failed">
            {redeliver.error.message}
          </Alert>
        )}
        {shown.payload !== undefined && (
          <Block id="delivery-payload" title="Payload" text={prettyJson(shown.payload)} />
        )}
        {attempted && (
          <Block
            id="delivery-response"
            title="Response body"
            text={shown.response_body ? prettyJson(shown.response_body) : '(empty)'}
          />
        )}
      </Stack>
    );
  }

  return (
    <Drawer
      opened={deliveryId !== null}
      onClose={close}
      position="right"
      size="xl"
      title={deliveryId !== null ? `Delivery #${deliveryId}` : 'Delivery'}
      closeButtonProps={{ 'aria-label': 'Close delivery details' }}
    >
      {content}
    </Drawer>
  );
}
