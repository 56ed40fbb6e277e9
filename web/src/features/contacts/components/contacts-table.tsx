import {
  Anchor,
  Box,
  Checkbox,
  Group,
  Loader,
  Table,
  Text,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  useEffect,
  useRef,
  useState,
} from 'react';
import { Link } from 'react-router';
import { countryFlag, countryName } from '@/lib/countries';
import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import type { Contact } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import type { ContactSelection } from '../hooks/use-contact-selection';
import type { ContactSort, SortKey } from '../utils/contact-filter';
import { contactDisplayName, contactPhone } from '../utils/contact-name';
import { formatFieldValue } from '../utils/field-values';
import { ConsentBadge } from './consent-badge';
import { TagBadges } from './tag-badges';

/** Every row has this height, so the virtualizer needs no measuring. */
export const contactRowHeight = 48;
/** Rows rendered beyond the visible ones, for smooth scrolling. */
const overscanRows = 6;
/** The next page is asked for when this few loaded rows are left below the visible ones. */
const prefetchRows = 40;

interface Column {
  id: string;
  header: string;
  width: number;
  sortKey?: SortKey;
  cell: (contact: Contact) => ReactNode;
}

function dimmed(text: string) {
  return (
    <Text span size="sm" c="dimmed">
      {text}
    </Text>
  );
}

const standardColumns: Column[] = [
  {
    id: 'phone',
    header: 'Phone',
    width: 170,
    sortKey: 'phone',
    cell: (contact) => (
      <Anchor
        component={Link}
        to={`/contacts/${contact.id}`}
        size="sm"
        fw={500}
        tabIndex={-1}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {contactPhone(contact)}
      </Anchor>
    ),
  },
  {
    id: 'name',
    header: 'Name',
    width: 180,
    sortKey: 'name',
    cell: (contact) => (contact.name ? <Text size="sm">{contact.name}</Text> : dimmed('No name')),
  },
  {
    id: 'tags',
    header: 'Tags',
    width: 170,
    cell: (contact) => <TagBadges tags={contact.tags} max={2} />,
  },
  {
    id: 'consent',
    header: 'Consent',
    width: 110,
    cell: (contact) => <ConsentBadge state={contact.consent.state} size="xs" />,
  },
  {
    id: 'country',
    header: 'Country',
    width: 140,
    cell: (contact) =>
      contact.country ? (
        <Text size="sm" title={contact.country}>
          <span aria-hidden>{countryFlag(contact.country)} </span>
          {countryName(contact.country)}
        </Text>
      ) : (
        dimmed('—')
      ),
  },
  {
    id: 'created',
    header: 'Created',
    width: 120,
    sortKey: 'created_at',
    cell: (contact) => (
      <Text size="sm" title={formatDateTime(contact.created_at)}>
        {formatDate(contact.created_at)}
      </Text>
    ),
  },
  {
    id: 'last_inbound',
    header: 'Last inbound',
    width: 130,
    sortKey: 'last_inbound_at',
    cell: (contact) =>
      contact.last_inbound_at ? (
        <Text size="sm" title={formatDateTime(contact.last_inbound_at)}>
          {formatRelative(contact.last_inbound_at)}
        </Text>
      ) : (
        dimmed('Never')
      ),
  },
];

function fieldColumn(field: ContactField): Column {
  return {
    id: `field:${field.key}`,
    header: field.label,
    width: 160,
    cell: (contact) => {
      const value = formatFieldValue(field, contact.fields[field.key]);
      return value === null ? dimmed('—') : <Text size="sm">{value}</Text>;
    },
  };
}

function SortHeader({
  column,
  sort,
  onSort,
}: {
  column: Column & { sortKey: SortKey };
  sort: ContactSort;
  onSort: (key: SortKey) => void;
}) {
  const active = sort.key === column.sortKey;
  const Icon = !active ? IconArrowsSort : sort.descending ? IconArrowDown : IconArrowUp;
  return (
    <UnstyledButton
      onClick={() => onSort(column.sortKey)}
      aria-label={`Sort by ${column.header}`}
      fw={700}
      fz="sm"
    >
      <Group gap={4} wrap="nowrap">
        {column.header}
        <Icon size={14} aria-hidden style={{ opacity: active ? 1 : 0.4 }} />
      </Group>
    </UnstyledButton>
  );
}

function isInteractive(target: EventTarget): boolean {
  return target instanceof Element && target.closest('a, button, input, label') !== null;
}

export interface ContactsTableProps {
  contacts: Contact[];
  /** Contacts matching the filter; null until counted. */
  total: number | null;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  sort: ContactSort;
  onSort: (key: SortKey) => void;
  /** Custom fields shown as extra columns. */
  fieldColumns: ContactField[];
  /** Shows checkboxes; viewers have no bulk actions, so none. */
  selection: ContactSelection | null;
  onOpen: (contact: Contact) => void;
  /** The rows belong to the previous filter while the new one loads. */
  stale?: boolean;
}

/**
 * The contacts as a table that stays fast with a million rows: only the rows in view (and a
 * few around them) exist in the DOM, and the next page is fetched before the end is reached.
 * Arrow keys move between rows, Enter opens one, Space selects it.
 */
export function ContactsTable({
  contacts,
  total,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  sort,
  onSort,
  fieldColumns,
  selection,
  onOpen,
  stale = false,
}: ContactsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const focusAfterRender = useRef(false);
  const columns = [...standardColumns, ...fieldColumns.map(fieldColumn)];
  const loadedIds = contacts.map((contact) => contact.id);
  const rowCount = contacts.length + (hasNextPage ? 1 : 0);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => contactRowHeight,
    overscan: overscanRows,
  });
  const items = virtualizer.getVirtualItems();
  const lastVisible = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= contacts.length - prefetchRows) {
      fetchNextPage();
    }
  }, [lastVisible, contacts.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const active = Math.min(activeIndex, Math.max(0, contacts.length - 1));

  useEffect(() => {
    if (!focusAfterRender.current) return;
    focusAfterRender.current = false;
    scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${active}"]`)?.focus();
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(contacts.length - 1, index));
    setActiveIndex(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    focusAfterRender.current = true;
  };

  const onRowKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number) => {
    if (event.target !== event.currentTarget) return;
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? 480) / contactRowHeight) - 1,
    );
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: contacts.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      moveTo(target);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onOpen(contacts[index]!);
    } else if (event.key === ' ' && selection) {
      event.preventDefault();
      selection.toggle(index, loadedIds, event.shiftKey);
    }
  };

  const onRowClick = (event: MouseEvent<HTMLTableRowElement>, index: number) => {
    if (isInteractive(event.target)) return;
    setActiveIndex(index);
    onOpen(contacts[index]!);
  };

  const width = columns.reduce((sum, column) => sum + column.width, selection ? 44 : 0);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const allLoaded = selection?.allLoadedSelected(loadedIds) ?? false;
  const someLoaded = selection !== null && loadedIds.some((id) => selection.isSelected(id));

  return (
    <Box
      ref={scrollRef}
      data-testid="contacts-scroll"
      style={{
        height: 'max(420px, calc(100dvh - 300px))',
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-md)',
        opacity: stale ? 0.6 : 1,
        transition: 'opacity 120ms',
      }}
    >
      <Table
        stickyHeader
        highlightOnHover
        aria-label="Contacts"
        aria-rowcount={(total ?? contacts.length) + 1}
        aria-busy={stale || undefined}
        style={{ tableLayout: 'fixed', width, minWidth: '100%' }}
      >
        <colgroup>
          {selection && <col style={{ width: 44 }} />}
          {columns.map((column) => (
            <col key={column.id} style={{ width: column.width }} />
          ))}
        </colgroup>
        <Table.Thead style={{ zIndex: 2 }}>
          <Table.Tr aria-rowindex={1}>
            {selection && (
              <Table.Th>
                <Checkbox
                  aria-label={allLoaded ? 'Clear the selection' : 'Select all loaded contacts'}
                  checked={allLoaded}
                  indeterminate={!allLoaded && someLoaded}
                  onChange={() => selection.toggleAllLoaded(loadedIds)}
                  size="xs"
                />
              </Table.Th>
            )}
            {columns.map((column) => (
              <Table.Th
                key={column.id}
                aria-sort={
                  column.sortKey && sort.key === column.sortKey
                    ? sort.descending
                      ? 'descending'
                      : 'ascending'
                    : undefined
                }
                style={{ whiteSpace: 'nowrap' }}
              >
                {column.sortKey ? (
                  <SortHeader
                    column={column as Column & { sortKey: SortKey }}
                    sort={sort}
                    onSort={onSort}
                  />
                ) : (
                  column.header
                )}
              </Table.Th>
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
            const contact = contacts[item.index];
            if (!contact) {
              return (
                <Table.Tr
                  key="loading"
                  data-index={item.index}
                  style={{ height: contactRowHeight }}
                >
                  <Table.Td colSpan={columns.length + (selection ? 1 : 0)}>
                    <Group gap="xs" c="dimmed">
                      <Loader size="xs" />
                      <Text size="sm">Loading more contacts…</Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            }
            const selected = selection?.isSelected(contact.id) ?? false;
            const label = contact.name
              ? `${contact.name}, ${contactPhone(contact)}`
              : contactPhone(contact);
            return (
              <Table.Tr
                key={contact.id}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                aria-selected={selection ? selected : undefined}
                aria-label={label}
                tabIndex={item.index === active ? 0 : -1}
                className="mantine-focus-auto"
                bg={selected ? 'var(--mantine-primary-color-light)' : undefined}
                onKeyDown={(event) => onRowKeyDown(event, item.index)}
                onClick={(event) => onRowClick(event, item.index)}
                onFocus={() => setActiveIndex(item.index)}
                style={{ height: contactRowHeight, cursor: 'pointer' }}
              >
                {selection && (
                  <Table.Td>
                    <Checkbox
                      aria-label={`Select ${contactDisplayName(contact)}`}
                      checked={selected}
                      // Shift is read from the click: onChange has no modifier keys.
                      onClick={(event) => {
                        event.stopPropagation();
                        selection.toggle(item.index, loadedIds, event.shiftKey);
                      }}
                      onChange={() => undefined}
                      size="xs"
                      tabIndex={-1}
                    />
                  </Table.Td>
                )}
                {columns.map((column) => (
                  <Table.Td
                    key={column.id}
                    style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
                  >
                    {column.cell(contact)}
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden>
              <td style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
      {isFetchingNextPage && <VisuallyHidden role="status">Loading more contacts</VisuallyHidden>}
    </Box>
  );
}
