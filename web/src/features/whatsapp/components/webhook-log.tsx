import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFilterOff, IconSearch, IconWebhook } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { ListTable } from '@/components/list-table';
import { RestrictedNotice } from '@/components/restricted-notice';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageWhatsAppAccounts } from '@/lib/authorization';
import { useAccounts } from '../api/get-accounts';
import {
  type WebhookEvent,
  type WebhookEventFilters,
  useWebhookEvents,
} from '../api/get-webhook-events';
import { useLiveWebhookEvents } from '../hooks/use-live-webhook-events';
import { formatBytes, outcomeStyle, webhookKinds, webhookOutcomes } from '../lib/labels';
import { OutcomeBadge } from './badges';
import { formatReceivedAt } from '../lib/webhook-format';
import { WebhookEventDrawer } from './webhook-event-drawer';

const searchDelayMs = 300;

/**
 * Calls `onVisible` whenever the element it is given (as a ref callback) scrolls into view,
 * where the browser can tell; elsewhere the "Load older" button does the same.
 */
function useWhenVisible(onVisible: () => void, enabled: boolean) {
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  const callback = useRef(onVisible);
  useEffect(() => {
    callback.current = onVisible;
  });
  useEffect(() => {
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) callback.current();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element, enabled]);
  return setElement;
}

function EventsTable({
  events,
  accountName,
  onOpen,
}: {
  events: WebhookEvent[];
  accountName: (id: number | null) => string;
  onOpen: (event: WebhookEvent) => void;
}) {
  return (
    <ListTable
      label="Received webhooks"
      columns={['Received', 'Account', 'Kinds', 'Outcome', 'Summary', 'Size']}
      minWidth={860}
    >
      {events.map((event) => (
        <Table.Tr key={event.id} onClick={() => onOpen(event)} style={{ cursor: 'pointer' }}>
          <Table.Td>
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={(click) => {
                click.stopPropagation();
                onOpen(event);
              }}
              style={{ whiteSpace: 'nowrap' }}
            >
              <VisuallyHidden>Open webhook #{event.id}, received </VisuallyHidden>
              {formatReceivedAt(event.received_at)}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{accountName(event.account_id)}</Text>
          </Table.Td>
          <Table.Td>
            <Group gap={4}>
              {event.kinds.map((kind) => (
                <Badge key={kind} variant="outline" color="gray" size="sm" tt="none">
                  {kind}
                </Badge>
              ))}
            </Group>
          </Table.Td>
          <Table.Td>
            <OutcomeBadge outcome={event.outcome} />
          </Table.Td>
          <Table.Td>
            <Text size="sm" lineClamp={2} title={event.error ?? undefined}>
              {event.summary || '—'}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {formatBytes(event.size_bytes)}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}

function Log() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), searchDelayMs);
  const [kind, setKind] = useState('');
  const [outcome, setOutcome] = useState('');
  const [openId, setOpenId] = useState<number | null>(null);
  const filters: WebhookEventFilters = {};
  if (debouncedSearch) filters.q = debouncedSearch;
  if (kind) filters.kind = kind;
  if (outcome) filters.outcome = outcome;
  const filtered = Object.keys(filters).length > 0;

  const events = useWebhookEvents(filters);
  useLiveWebhookEvents(filters);
  const accounts = useAccounts();
  const accountName = (id: number | null) => {
    if (id === null) return 'Unrouted';
    return accounts.data?.find((account) => account.id === id)?.name ?? `Account #${id}`;
  };
  const sentinel = useWhenVisible(() => {
    if (events.hasNextPage && !events.isFetchingNextPage) void events.fetchNextPage();
  }, events.hasNextPage);

  const clear = () => {
    setSearch('');
    setKind('');
    setOutcome('');
  };

  let list;
  if (events.isPending) list = <TableSkeleton columns={6} />;
  else if (events.isError) {
    list = (
      <ErrorState
        title="Couldn't load the webhook log"
        error={events.error}
        onRetry={() => void events.refetch()}
        retrying={events.isFetching}
      />
    );
  } else {
    const items = events.data.pages.flatMap((page) => page.data);
    if (items.length === 0) {
      list = filtered ? (
        <EmptyState
          icon={<IconFilterOff size={26} aria-hidden />}
          title="No webhooks match"
          description="Change or clear the search and filters."
          action={
            <Button variant="light" onClick={clear}>
              Clear filters
            </Button>
          }
        />
      ) : (
        <EmptyState
          icon={<IconWebhook size={26} aria-hidden />}
          title="No webhooks received yet"
          description={
            <>
              Meta calls Kirim with delivery statuses, replies and template reviews once the
              callback URL is set in your Meta app. The URLs are under{' '}
              <Anchor component={Link} to="/settings/whatsapp" size="sm">
                Settings → WhatsApp
              </Anchor>
              ; new webhooks appear here as they arrive.
            </>
          }
        />
      );
    } else {
      list = (
        <Stack gap="sm">
          <EventsTable events={items} accountName={accountName} onOpen={(e) => setOpenId(e.id)} />
          <div ref={sentinel} />
          {events.hasNextPage && (
            <Group justify="center">
              <Button
                variant="default"
                onClick={() => void events.fetchNextPage()}
                loading={events.isFetchingNextPage}
              >
                Load older webhooks
              </Button>
            </Group>
          )}
          {!events.hasNextPage && items.length > 20 && (
            <Text size="xs" c="dimmed" ta="center">
              That is every webhook kept.
            </Text>
          )}
        </Stack>
      );
    }
  }

  return (
    <SectionCard
      title="Webhook log"
      description="Every webhook Meta delivered with a valid signature, newest first, and what Kirim did with it."
      actions={
        events.isFetching && !events.isPending ? <Loader size="xs" aria-label="Updating" /> : null
      }
    >
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter webhooks">
        <TextInput
          label="Search the raw body"
          placeholder="wamid, phone number, template name…"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: '1 1 240px' }}
        />
        <NativeSelect
          label="Kind"
          value={kind}
          onChange={(event) => setKind(event.currentTarget.value)}
          data={[{ value: '', label: 'All kinds' }, ...webhookKinds.map((value) => value)]}
        />
        <NativeSelect
          label="Outcome"
          value={outcome}
          onChange={(event) => setOutcome(event.currentTarget.value)}
          data={[
            { value: '', label: 'All outcomes' },
            ...webhookOutcomes.map((value) => ({ value, label: outcomeStyle(value).label })),
          ]}
        />
        {filtered && (
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} aria-hidden />}
            onClick={clear}
          >
            Clear filters
          </Button>
        )}
      </Group>
      {list}
      <WebhookEventDrawer
        eventId={openId}
        accountName={accountName}
        onClose={() => setOpenId(null)}
      />
    </SectionCard>
  );
}

/** Settings → Webhook log: owners and admins only, like the endpoints behind it. */
export function WebhookLogSettings({ me }: { me: Me }) {
  if (!canManageWhatsAppAccounts(me.role)) {
    return (
      <SectionCard
        title="Webhook log"
        description="What Meta sent to Kirim, and what became of it."
      >
        <RestrictedNotice>Only owners and admins can read the webhook log.</RestrictedNotice>
      </SectionCard>
    );
  }
  return <Log />;
}
