import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type ReactNode, useEffect, useMemo, useRef } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatTime } from '@/lib/format';
import {
  type Recipient,
  type RecipientParams,
  type RecipientState,
  useRecipients,
} from '../api/get-recipients';
import { recipientStateColors, recipientStateLabels, recipientStates } from '../lib/states';
import { SearchBox } from './search-box';

/** Every row has this height, so the virtualizer needs no measuring. */
export const recipientRowHeight = 44;
const overscanRows = 8;
/** The next page is asked for when this few loaded rows are left below the visible ones. */
const prefetchRows = 40;

interface Column {
  id: string;
  header: string;
  width: number;
  cell: (recipient: Recipient) => ReactNode;
}

function Time({ at }: { at: string | null }) {
  if (at === null) {
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Text span size="sm" title={formatDateTime(at)} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {formatTime(at)}
    </Text>
  );
}

const columns: Column[] = [
  {
    id: 'contact',
    header: 'Contact',
    width: 220,
    cell: (recipient) => (
      <Anchor component={Link} to={`/contacts/${recipient.contact.id}`} size="sm">
        {recipient.contact.name ? `${recipient.contact.name} · ` : ''}
        <span style={{ fontVariantNumeric: 'tabular-nums' }}>{recipient.contact.phone}</span>
      </Anchor>
    ),
  },
  {
    id: 'number',
    header: 'Number',
    width: 150,
    cell: (recipient) => (
      <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {recipient.sender?.display_number ?? '—'}
      </Text>
    ),
  },
  {
    id: 'state',
    header: 'State',
    width: 110,
    cell: (recipient) => (
      <Badge size="sm" variant="light" color={recipientStateColors[recipient.state]}>
        {recipientStateLabels[recipient.state] ?? recipient.state}
      </Badge>
    ),
  },
  { id: 'sent', header: 'Sent', width: 100, cell: (recipient) => <Time at={recipient.sent_at} /> },
  {
    id: 'delivered',
    header: 'Delivered',
    width: 100,
    cell: (recipient) => <Time at={recipient.delivered_at} />,
  },
  { id: 'read', header: 'Read', width: 100, cell: (recipient) => <Time at={recipient.read_at} /> },
  {
    id: 'error',
    header: 'Error',
    width: 240,
    cell: (recipient) =>
      recipient.error ? (
        <Text size="sm" c="red" title={recipient.error.title} truncate>
          {recipient.error.code} {recipient.error.title}
        </Text>
      ) : null,
  },
];

const tableWidth = columns.reduce((sum, column) => sum + column.width, 0);

const RecipientRow = memo(function RecipientRow({
  recipient,
  index,
}: {
  recipient: Recipient;
  index: number;
}) {
  const name = recipient.contact.name ?? recipient.contact.phone;
  return (
    <Table.Tr
      data-index={index}
      aria-rowindex={index + 2}
      aria-label={`${name}, ${recipientStateLabels[recipient.state] ?? recipient.state}`}
      style={{ height: recipientRowHeight }}
    >
      {columns.map((column) => (
        <Table.Td
          key={column.id}
          style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
        >
          {column.cell(recipient)}
        </Table.Td>
      ))}
    </Table.Tr>
  );
});

const stateOptions = [
  { value: '', label: 'Every state' },
  ...recipientStates.map((state) => ({ value: state, label: recipientStateLabels[state] })),
];

interface RecipientsTableProps {
  campaignId: number;
  params: RecipientParams;
  onParamsChange: (params: RecipientParams) => void;
}

/**
 * Every recipient of a campaign, filtered by state and searched by name or phone. Only the
 * rows in view exist in the DOM and pages load by cursor as it scrolls, so a million
 * recipients scroll as smoothly as a hundred.
 */
export function RecipientsTable({ campaignId, params, onParamsChange }: RecipientsTableProps) {
  const recipients = useRecipients(campaignId, params);
  const rows = useMemo(
    () => recipients.data?.pages.flatMap((page) => page.data) ?? [],
    [recipients.data],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const hasNextPage = recipients.hasNextPage;
  const isFetchingNextPage = recipients.isFetchingNextPage;
  const fetchNextPage = recipients.fetchNextPage;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose
  const virtualizer = useVirtualizer({
    count: rows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => recipientRowHeight,
    overscan: overscanRows,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= rows.length - prefetchRows) {
      void fetchNextPage();
    }
  }, [lastVisible, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  let body;
  if (recipients.isPending) {
    body = (
      <Group gap="xs" c="dimmed" p="md">
        <Loader size="xs" />
        <Text size="sm">Loading recipients…</Text>
      </Group>
    );
  } else if (recipients.isError && rows.length === 0) {
    body = (
      <Alert color="red" variant="light" role="alert">
        <Group justify="space-between">
          <Text size="sm">Couldn't load the recipients. {recipients.error.message}</Text>
          <Button size="xs" variant="light" onClick={() => void recipients.refetch()}>
            Try again
          </Button>
        </Group>
      </Alert>
    );
  } else if (rows.length === 0) {
    body = (
      <Text size="sm" c="dimmed" p="md">
        {params.state || params.q ? 'No recipient matches.' : 'No recipients yet.'}
      </Text>
    );
  } else {
    body = (
      <Box
        ref={scrollRef}
        data-testid="recipients-scroll"
        style={{
          height: 'min(560px, calc(100dvh - 220px))',
          minHeight: 320,
          overflow: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 'var(--mantine-radius-md)',
          opacity: recipients.isPlaceholderData ? 0.6 : 1,
        }}
      >
        <Table
          stickyHeader
          aria-label="Recipients"
          aria-busy={recipients.isPlaceholderData || undefined}
          style={{ tableLayout: 'fixed', width: tableWidth, minWidth: '100%' }}
        >
          <colgroup>
            {columns.map((column) => (
              <col key={column.id} style={{ width: column.width }} />
            ))}
          </colgroup>
          <Table.Thead style={{ zIndex: 2 }}>
            <Table.Tr aria-rowindex={1}>
              {columns.map((column) => (
                <Table.Th key={column.id}>{column.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {paddingTop > 0 && (
              <tr aria-hidden>
                <td style={{ height: paddingTop, padding: 0, border: 0 }} />
              </tr>
            )}
            {items.map((item) => {
              const recipient = rows[item.index];
              if (!recipient) {
                return (
                  <Table.Tr key="loading" style={{ height: recipientRowHeight }}>
                    <Table.Td colSpan={columns.length}>
                      <Group gap="xs" c="dimmed">
                        <Loader size="xs" />
                        <Text size="sm">Loading more recipients…</Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              }
              return <RecipientRow key={recipient.id} recipient={recipient} index={item.index} />;
            })}
            {paddingBottom > 0 && (
              <tr aria-hidden>
                <td style={{ height: paddingBottom, padding: 0, border: 0 }} />
              </tr>
            )}
          </Table.Tbody>
        </Table>
        {isFetchingNextPage && (
          <VisuallyHidden role="status">Loading more recipients</VisuallyHidden>
        )}
      </Box>
    );
  }

  return (
    <Stack gap="sm">
      <Group gap="sm" wrap="wrap" role="search" aria-label="Filter recipients">
        <SearchBox
          value={params.q ?? ''}
          onSearch={(q) => onParamsChange({ ...params, q: q === '' ? undefined : q })}
          label="Search recipients"
          placeholder="Search name or phone"
        />
        <Select
          aria-label="Recipient state"
          data={stateOptions}
          value={params.state ?? ''}
          allowDeselect={false}
          onChange={(value) =>
            onParamsChange({
              ...params,
              state: value ? (value as RecipientState) : undefined,
            })
          }
          w={180}
        />
      </Group>
      {body}
      {recipients.isFetchNextPageError && (
        <Alert color="red" variant="light" role="alert">
          <Group justify="space-between">
            <Text size="sm">Couldn't load more recipients. {recipients.error.message}</Text>
            <Button size="xs" variant="light" onClick={() => void recipients.fetchNextPage()}>
              Try again
            </Button>
          </Group>
        </Alert>
      )}
    </Stack>
  );
}
