import {
  ActionIcon,
  Badge,
  Button,
  Code,
  Group,
  Menu,
  Stack,
  Switch,
  Table,
  Text,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconDots,
  IconKey,
  IconList,
  IconPencil,
  IconPlus,
  IconSend,
  IconTrash,
  IconWebhook,
} from '@tabler/icons-react';
import { useState } from 'react';
import { ConfirmModal } from '@/components/confirm-modal';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ListTable } from '@/components/list-table';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageWorkspace } from '@/lib/authorization';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { EndpointWithSecret } from '../api/create-endpoint';
import { useDeleteEndpoint } from '../api/delete-endpoint';
import { type Endpoint, useEndpoints } from '../api/get-endpoints';
import { useRotateEndpointSecret } from '../api/rotate-endpoint-secret';
import { useSendTestEvent } from '../api/send-test-event';
import { useUpdateEndpoint } from '../api/update-endpoint';
import { subscribesToAll, summarizeEvents } from '../lib/events';
import { HttpStatus } from './badges';
import { DeliveriesCard } from './deliveries-card';
import { EndpointFormModal } from './endpoint-form-modal';
import { EndpointSecretModal } from './endpoint-secret-modal';

function LastDelivery({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.last_attempt_at === null) {
    return (
      <Text size="sm" c="dimmed">
        Not called yet
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <HttpStatus status={endpoint.last_status} attempted />
        <Text size="xs" c="dimmed" title={formatDateTime(endpoint.last_attempt_at)}>
          {formatRelative(endpoint.last_attempt_at)}
        </Text>
      </Group>
      {endpoint.consecutive_failures > 0 && (
        <Text size="xs" c="red" title={endpoint.last_error ?? undefined}>
          {endpoint.consecutive_failures === 1
            ? '1 failure'
            : `${endpoint.consecutive_failures} failures in a row`}
        </Text>
      )}
    </Stack>
  );
}

function EnabledSwitch({ endpoint }: { endpoint: Endpoint }) {
  const update = useUpdateEndpoint();
  return (
    <Stack gap={2}>
      <Switch
        checked={endpoint.enabled}
        disabled={update.isPending}
        aria-label={`Enabled: ${endpoint.url}`}
        onChange={(event) =>
          update.mutate(
            { id: endpoint.id, enabled: event.currentTarget.checked },
            {
              onError: (error) =>
                notifications.show({
                  color: 'red',
                  title: "Couldn't change the endpoint",
                  message: error.message,
                }),
            },
          )
        }
      />
      {!endpoint.enabled && endpoint.disabled_reason && (
        <Text size="xs" c="red">
          {endpoint.disabled_reason}
        </Text>
      )}
    </Stack>
  );
}

interface RowActions {
  onDeliveries: (endpoint: Endpoint) => void;
  onEdit: (endpoint: Endpoint) => void;
  onTest: (endpoint: Endpoint) => void;
  onRotate: (endpoint: Endpoint) => void;
  onDelete: (endpoint: Endpoint) => void;
}

function EndpointsTable({
  endpoints,
  selectedId,
  actions,
}: {
  endpoints: Endpoint[];
  selectedId: number | null;
  actions: RowActions;
}) {
  return (
    <ListTable
      label="Endpoints"
      columns={['Endpoint', 'Events', 'Last delivery', 'Enabled']}
      withActions
      minWidth={820}
    >
      {endpoints.map((endpoint) => (
        <Table.Tr
          key={endpoint.id}
          bg={endpoint.id === selectedId ? 'var(--mantine-color-default-hover)' : undefined}
        >
          <Table.Td maw={360}>
            <Text size="sm" ff="monospace" truncate="end" title={endpoint.url}>
              {endpoint.url}
            </Text>
            {endpoint.description && (
              <Text size="xs" c="dimmed" lineClamp={2}>
                {endpoint.description}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            <Tooltip
              label={endpoint.events.join(', ')}
              disabled={subscribesToAll(endpoint.events) || endpoint.events.length === 1}
            >
              <Badge variant="light" color="gray" tt="none">
                {summarizeEvents(endpoint.events)}
              </Badge>
            </Tooltip>
          </Table.Td>
          <Table.Td>
            <LastDelivery endpoint={endpoint} />
          </Table.Td>
          <Table.Td>
            <EnabledSwitch endpoint={endpoint} />
          </Table.Td>
          <Table.Td ta="right">
            <Group gap={4} justify="flex-end" wrap="nowrap">
              <Button
                size="xs"
                variant={endpoint.id === selectedId ? 'light' : 'subtle'}
                leftSection={<IconList size={14} aria-hidden />}
                aria-label={`Deliveries of ${endpoint.url}`}
                onClick={() => actions.onDeliveries(endpoint)}
              >
                Deliveries
              </Button>
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="subtle" color="gray" aria-label={`More for ${endpoint.url}`}>
                    <IconDots size={16} aria-hidden />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item
                    leftSection={<IconPencil size={14} aria-hidden />}
                    onClick={() => actions.onEdit(endpoint)}
                  >
                    Edit
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconSend size={14} aria-hidden />}
                    disabled={!endpoint.enabled}
                    onClick={() => actions.onTest(endpoint)}
                  >
                    Send test event
                  </Menu.Item>
                  <Menu.Item
                    leftSection={<IconKey size={14} aria-hidden />}
                    onClick={() => actions.onRotate(endpoint)}
                  >
                    Rotate secret
                  </Menu.Item>
                  <Menu.Divider />
                  <Menu.Item
                    color="red"
                    leftSection={<IconTrash size={14} aria-hidden />}
                    onClick={() => actions.onDelete(endpoint)}
                  >
                    Delete
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}

function Manage() {
  const endpoints = useEndpoints();
  const sendTest = useSendTestEvent();
  const rotate = useRotateEndpointSecret();
  const remove = useDeleteEndpoint();
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<Endpoint | null>(null);
  const [secret, setSecret] = useState<{
    shown: EndpointWithSecret;
    reason: 'created' | 'rotated';
  } | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);

  const list = endpoints.data?.data ?? [];
  const selected = list.find((endpoint) => endpoint.id === selectedId) ?? null;

  const openForm = (endpoint: Endpoint | null) => {
    setEditing(endpoint);
    setFormOpen(true);
  };

  const test = (endpoint: Endpoint) =>
    sendTest.mutate(endpoint.id, {
      onSuccess: () => {
        setSelectedId(endpoint.id);
        notifications.show({
          color: 'teal',
          title: 'Test event sent',
          message: `A ping is on its way to ${endpoint.url}; its delivery is listed below.`,
        });
      },
      onError: (error) =>
        notifications.show({
          color: 'red',
          title: "Couldn't send the test event",
          message: error.message,
        }),
    });

  const addButton = (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => openForm(null)}>
      Add endpoint
    </Button>
  );

  let content;
  if (endpoints.isPending) content = <TableSkeleton columns={5} />;
  else if (endpoints.isError) {
    content = (
      <ErrorState
        title="Couldn't load the endpoints"
        error={endpoints.error}
        onRetry={() => void endpoints.refetch()}
        retrying={endpoints.isFetching}
      />
    );
  } else if (list.length === 0) {
    content = (
      <EmptyState
        icon={<IconWebhook size={26} aria-hidden />}
        title="No endpoints yet"
        description="Add a URL of your CRM, data warehouse or automation tool, and Kirim will POST contact and message events to it as they happen, signed so it can check they came from here."
        action={addButton}
      />
    );
  } else {
    content = (
      <EndpointsTable
        endpoints={list}
        selectedId={selectedId}
        actions={{
          onDeliveries: (endpoint) =>
            setSelectedId((current) => (current === endpoint.id ? null : endpoint.id)),
          onEdit: openForm,
          onTest: test,
          onRotate: setRotating,
          onDelete: setDeleting,
        }}
      />
    );
  }

  return (
    <Stack gap="lg">
      <SectionCard
        title="Outgoing webhooks"
        description={
          <>
            Kirim POSTs the workspace&apos;s events to these URLs, each signed with the
            endpoint&apos;s own secret in <Code>X-Kirim-Signature</Code>. Failed deliveries are
            retried for about 10 hours; an endpoint that answers 410 Gone is turned off.
          </>
        }
        actions={list.length > 0 ? addButton : null}
      >
        {content}
      </SectionCard>
      {selected && <DeliveriesCard key={selected.id} endpoint={selected} />}
      <EndpointFormModal
        opened={formOpen}
        endpoint={editing}
        onClose={() => setFormOpen(false)}
        onCreated={(created) => setSecret({ shown: created, reason: 'created' })}
      />
      <EndpointSecretModal
        shown={secret?.shown ?? null}
        reason={secret?.reason ?? 'created'}
        onDone={() => setSecret(null)}
      />
      <ConfirmModal
        opened={rotating !== null}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        confirmColor="orange"
        pending={rotate.isPending}
        error={rotate.error?.message ?? null}
        onClose={() => {
          rotate.reset();
          setRotating(null);
        }}
        onConfirm={() => {
          if (!rotating) return;
          rotate.mutate(rotating.id, {
            onSuccess: (rotated) => {
              setRotating(null);
              setSecret({ shown: rotated, reason: 'rotated' });
            },
          });
        }}
      >
        A new secret signs every delivery from now on, and the old one stops at once: update the
        receiver at <Code>{rotating?.url}</Code> right after.
      </ConfirmModal>
      <ConfirmModal
        opened={deleting !== null}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        pending={remove.isPending}
        error={remove.error?.message ?? null}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
        onConfirm={() => {
          if (!deleting) return;
          const gone = deleting;
          remove.mutate(gone.id, {
            onSuccess: () => {
              if (selectedId === gone.id) setSelectedId(null);
              setDeleting(null);
              notifications.show({ color: 'teal', message: `${gone.url} was deleted.` });
            },
          });
        }}
      >
        <Code>{deleting?.url}</Code> stops receiving events, and its delivery history is deleted
        with it. Deliveries still waiting are not sent.
      </ConfirmModal>
    </Stack>
  );
}

/** Settings → Outgoing webhooks: owners and admins only, like the endpoints behind it. */
export function OutgoingWebhooksSettings({ me }: { me: Me }) {
  if (!canManageWorkspace(me.role)) {
    return (
      <SectionCard
        title="Outgoing webhooks"
        description="URLs that receive the workspace's contact and message events."
      >
        <RestrictedNotice>Only owners and admins can manage outgoing webhooks.</RestrictedNotice>
      </SectionCard>
    );
  }
  return <Manage />;
}
