import {
  Anchor,
  Badge,
  Loader,
  SegmentedControl,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { IconInbox } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ListTable } from '@/components/list-table';
import { PagedList } from '@/components/paged-list';
import { SectionCard } from '@/components/section-card';
import { formatDateTime, formatRelative } from '@/lib/format';
import { queryKeys } from '@/lib/query-keys';
import { type Delivery, type DeliveryState, useDeliveries } from '../api/get-deliveries';
import type { Endpoint } from '../api/get-endpoints';
import { deliveryStateLabel, deliveryStates } from '../lib/delivery-states';
import { DeliveryStateBadge, HttpStatus } from './badges';
import { DeliveryDrawer } from './delivery-drawer';

function DeliveriesTable({
  deliveries,
  onOpen,
}: {
  deliveries: Delivery[];
  onOpen: (delivery: Delivery) => void;
}) {
  return (
    <ListTable
      label="Deliveries"
      columns={['Time', 'Event', 'State', 'Status', 'Attempts', 'Duration']}
      minWidth={720}
    >
      {deliveries.map((delivery) => (
        <Table.Tr key={delivery.id} onClick={() => onOpen(delivery)} style={{ cursor: 'pointer' }}>
          <Table.Td>
            <Anchor
              component="button"
              type="button"
              size="sm"
              title={formatDateTime(delivery.created_at)}
              onClick={(click) => {
                click.stopPropagation();
                onOpen(delivery);
              }}
              style={{ whiteSpace: 'nowrap' }}
            >
              <VisuallyHidden>Open delivery #{delivery.id}, created </VisuallyHidden>
              {formatRelative(delivery.created_at)}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Badge variant="outline" color="gray" size="sm" tt="none">
              {delivery.event}
            </Badge>
          </Table.Td>
          <Table.Td>
            <DeliveryStateBadge state={delivery.state} />
          </Table.Td>
          <Table.Td>
            <HttpStatus
              status={delivery.response_status}
              attempted={delivery.last_attempt_at !== null}
            />
          </Table.Td>
          <Table.Td>
            <Text size="sm">{delivery.attempts}</Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {delivery.duration_ms === null ? '—' : `${delivery.duration_ms} ms`}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}

/**
 * The endpoint's last status and failure count change with its deliveries: whenever the newest
 * ones are read and have moved on (a pending one delivered or failed, a new one), the endpoints
 * are read again.
 */
function useEndpointFollowsDeliveries(newest: Delivery[] | undefined) {
  const queryClient = useQueryClient();
  const progress = newest?.map((d) => `${d.id}:${d.state}:${d.attempts}`).join(',');
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (progress === undefined || progress === seen.current) return;
    seen.current = progress;
    void queryClient.invalidateQueries({ queryKey: queryKeys.outgoingWebhooks });
  }, [progress, queryClient]);
}

/** The deliveries of one endpoint, newest first, by state, each opening in a drawer. */
export function DeliveriesCard({ endpoint }: { endpoint: Endpoint }) {
  const [state, setState] = useState<DeliveryState | 'all'>('all');
  const [openId, setOpenId] = useState<number | null>(null);
  const deliveries = useDeliveries(endpoint.id, state === 'all' ? null : state);
  useEndpointFollowsDeliveries(deliveries.data?.pages[0]?.data);

  return (
    <SectionCard
      title="Deliveries"
      description={
        <>
          To{' '}
          <Text span ff="monospace" size="sm">
            {endpoint.url}
          </Text>
          , newest first. Pending ones are tried again on their own.
        </>
      }
      actions={
        deliveries.isFetching && !deliveries.isPending ? (
          <Loader size="xs" aria-label="Updating" />
        ) : null
      }
    >
      <SegmentedControl
        aria-label="Delivery state"
        value={state}
        onChange={(value) => setState(value as DeliveryState | 'all')}
        data={[
          { value: 'all', label: 'All' },
          ...deliveryStates.map((value) => ({ value, label: deliveryStateLabel(value) })),
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <PagedList
        query={deliveries}
        skeletonColumns={6}
        errorTitle="Couldn't load the deliveries"
        empty={
          <EmptyState
            icon={<IconInbox size={26} aria-hidden />}
            title={state === 'all' ? 'Nothing sent yet' : 'No deliveries in this state'}
            description={
              state === 'all'
                ? 'Deliveries appear here as events happen. "Send test event" sends one now.'
                : 'Choose another state to see the rest.'
            }
          />
        }
        loadMoreLabel="Load older deliveries"
      >
        {(items) => <DeliveriesTable deliveries={items} onOpen={(d) => setOpenId(d.id)} />}
      </PagedList>
      <DeliveryDrawer deliveryId={openId} onClose={() => setOpenId(null)} />
    </SectionCard>
  );
}
