import { Alert, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAddressBook, IconFileImport, IconFilterOff, IconUserPlus } from '@tabler/icons-react';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { TableSkeleton } from '@/components/skeletons';
import { isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { canEditContacts } from '@/lib/authorization';
import { formatCount } from '@/lib/format';
import { useWorkspaceSettings } from '@/lib/workspace-settings';
import { useContactFields } from '../api/get-contact-fields';
import { useContacts } from '../api/get-contacts';
import { useTags } from '../api/get-tags';
import { useContactSelection } from '../hooks/use-contact-selection';
import {
  type ContactsView,
  emptyFilter,
  filterParams,
  isFilterEmpty,
  nextSort,
  readContactsView,
  sortParam,
  writeContactsView,
} from '../utils/contact-filter';
import { BulkActionsBar } from './bulk-actions-bar';
import { ContactsFilters } from './contacts-filters';
import { ContactsTable } from './contacts-table';
import { ExportContacts } from './export-contacts';
import { NewContactModal } from './new-contact-modal';

/**
 * Why the server refused the filters (a field that was deleted, a value of the wrong type), or
 * null when the failure is something else. A shared link can outlive the fields it names.
 */
function refusedFilter(error: unknown): string | null {
  if (!isApiError(error) || error.status !== 400) return null;
  const reasons = Object.entries(error.details).map(([name, reason]) => `${name}: ${reason}`);
  return reasons.length > 0 ? `${error.message} (${reasons.join('; ')})` : error.message;
}

/**
 * The contacts page: the filters (kept in the URL), the count, a virtualized table that loads
 * more as it scrolls, bulk actions on the selected rows, and the ways to add contacts.
 */
export function ContactsPage({ me }: { me: Me }) {
  const editable = canEditContacts(me.role);
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const view = useMemo(() => readContactsView(searchParams), [searchParams]);
  const filter = useMemo(() => filterParams(view.filter), [view]);
  const sort = sortParam(view.sort);
  const params = useMemo(() => ({ ...filter, sort }), [filter, sort]);
  const contacts = useContacts(params);
  const fields = useContactFields();
  const tags = useTags();
  const settings = useWorkspaceSettings();
  const selection = useContactSelection(JSON.stringify(filter));
  const [newOpened, newModal] = useDisclosure(false);

  const setView = (next: ContactsView, options: { replace?: boolean } = {}) =>
    setSearchParams(writeContactsView(next), options);

  const fieldList = fields.data ?? [];
  const tagNames = (tags.data ?? []).map((tag) => tag.name);
  const fieldColumns = view.columns
    .map((key) => fieldList.find((field) => field.key === key))
    .filter((field) => field !== undefined);
  const rows = contacts.data?.pages.flatMap((page) => page.data) ?? [];
  const total = contacts.data?.pages[0]?.total ?? null;
  const filtered = !isFilterEmpty(view.filter);
  const showBulkBar = editable && selection.count(total ?? rows.length) > 0;

  const addButton = editable && (
    <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={newModal.open}>
      New contact
    </Button>
  );
  const importButton = editable && (
    <Button
      component={Link}
      to="/contacts/import"
      variant="default"
      leftSection={<IconFileImport size={16} aria-hidden />}
    >
      Import CSV
    </Button>
  );

  let body;
  if (contacts.isPending) {
    body = (
      <Paper withBorder radius="md" p="xs">
        <TableSkeleton columns={7} rows={8} />
      </Paper>
    );
  } else if (contacts.isError && rows.length === 0 && refusedFilter(contacts.error)) {
    body = (
      <Paper withBorder radius="md" p="xl" role="alert">
        <EmptyState
          icon={<IconFilterOff size={26} aria-hidden />}
          title="These filters can't be used"
          description={refusedFilter(contacts.error)}
          action={
            <Button variant="light" onClick={() => setView({ ...view, filter: emptyFilter })}>
              Clear filters
            </Button>
          }
        />
      </Paper>
    );
  } else if (contacts.isError && rows.length === 0) {
    body = (
      <ErrorState
        title="Couldn't load contacts"
        error={contacts.error}
        onRetry={() => void contacts.refetch()}
        retrying={contacts.isFetching}
      />
    );
  } else if (rows.length === 0 && !contacts.isPlaceholderData) {
    body = (
      <Paper withBorder radius="md" p="xl">
        {filtered ? (
          <EmptyState
            icon={<IconFilterOff size={26} aria-hidden />}
            title="No contacts match these filters"
            description="Loosen a filter or clear them all to see every contact."
            action={
              <Button variant="light" onClick={() => setView({ ...view, filter: emptyFilter })}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={<IconAddressBook size={26} aria-hidden />}
            title="No contacts yet"
            description={
              editable
                ? 'Import a CSV file from your shop, CRM or spreadsheet, or add a contact by hand. Tags and custom fields come along.'
                : 'Contacts appear here once an editor imports or adds them.'
            }
            action={
              editable && (
                <Group gap="sm" justify="center">
                  {importButton}
                  {addButton}
                </Group>
              )
            }
          />
        )}
      </Paper>
    );
  } else {
    body = (
      <Stack gap="xs">
        {showBulkBar && (
          <BulkActionsBar
            selection={selection}
            total={total ?? rows.length}
            loadedIds={rows.map((contact) => contact.id)}
            filter={filter}
            tagNames={tagNames}
          />
        )}
        <ContactsTable
          contacts={rows}
          total={total}
          hasNextPage={contacts.hasNextPage}
          isFetchingNextPage={contacts.isFetchingNextPage}
          fetchNextPage={() => void contacts.fetchNextPage()}
          sort={view.sort}
          onSort={(key) => setView({ ...view, sort: nextSort(view.sort, key) })}
          fieldColumns={fieldColumns}
          selection={editable ? selection : null}
          onOpen={(contact) => void navigate(`/contacts/${contact.id}`)}
          stale={contacts.isPlaceholderData}
        />
        {contacts.isFetchNextPageError && (
          <Alert color="red" variant="light" role="alert">
            <Group justify="space-between">
              <Text size="sm">Couldn't load more contacts. {contacts.error.message}</Text>
              <Button size="xs" variant="light" onClick={() => void contacts.fetchNextPage()}>
                Try again
              </Button>
            </Group>
          </Alert>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1} size="h2">
            Contacts
          </Title>
          <Text c="dimmed" size="sm" role="status" aria-live="polite">
            {total !== null ? (
              formatCount(total, 'contact')
            ) : contacts.isPending ? (
              <Skeleton component="span" height={12} width={110} display="inline-block" />
            ) : null}
          </Text>
        </div>
        <Group gap="sm">
          {importButton}
          {editable && <ExportContacts filter={filter} sort={sort} total={total} />}
          {addButton}
        </Group>
      </Group>
      <ContactsFilters view={view} onChange={setView} fields={fieldList} tagNames={tagNames} />
      {body}
      {editable && (
        <NewContactModal
          opened={newOpened}
          onClose={newModal.close}
          fields={fieldList}
          tagNames={tagNames}
          defaultRegion={settings.data?.default_region ?? null}
        />
      )}
    </Stack>
  );
}
