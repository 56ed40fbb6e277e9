import { Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  IconBrandWhatsapp,
  IconFilterOff,
  IconPlus,
  IconSearch,
  IconTemplate,
} from '@tabler/icons-react';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { TableSkeleton } from '@/components/skeletons';
import type { Me } from '@/lib/auth';
import { canManageTemplates, canManageWhatsAppAccounts } from '@/lib/authorization';
import { useAccounts } from '../api/get-accounts';
import { type Template, type TemplateFilters, useTemplates } from '../api/get-templates';
import { useTemplateUpdates } from '../hooks/use-template-updates';
import { humanize, templateCategories, templateStatuses } from '../lib/labels';
import { localeLabel, templateLocales } from '../lib/locales';
import { DeleteTemplateModal } from './delete-template-modal';
import { SyncTemplatesButton } from './sync-templates-button';
import { TemplateDrawer } from './template-drawer';
import { TemplatesTable } from './templates-table';

const filterNames = ['account_id', 'status', 'category', 'language', 'q'] as const;
const searchDelayMs = 300;

function filtersFrom(params: URLSearchParams): TemplateFilters {
  const filters: TemplateFilters = {};
  for (const name of filterNames) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

/** The templates page: every template of the workspace's accounts, filtered by the URL. */
export function TemplatesPage({ me }: { me: Me }) {
  const editable = canManageTemplates(me.role);
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const accounts = useAccounts();
  const templates = useTemplates(filters);
  const [toDelete, setToDelete] = useState<Template | null>(null);
  useTemplateUpdates();

  // The search box answers each keystroke; the request waits for a pause in typing.
  const [search, setSearch] = useState(filters.q ?? '');
  const [debouncedSearch] = useDebouncedValue(search.trim(), searchDelayMs);
  const appliedSearch = useRef(debouncedSearch);
  useEffect(() => {
    if (appliedSearch.current === debouncedSearch) return;
    appliedSearch.current = debouncedSearch;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (debouncedSearch === '') next.delete('q');
        else next.set('q', debouncedSearch);
        return next;
      },
      { replace: true },
    );
  }, [debouncedSearch, setParams]);

  const setFilter = (name: (typeof filterNames)[number], value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === '') next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );
  };

  const clearFilters = () => {
    setSearch('');
    appliedSearch.current = '';
    setParams(
      (current) => {
        const next = new URLSearchParams();
        const open = current.get('template');
        if (open) next.set('template', open);
        return next;
      },
      { replace: true },
    );
  };

  const openId = Number(params.get('template') ?? '') || null;
  const setOpen = (template: Template | null) => {
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (template) next.set('template', String(template.id));
      else next.delete('template');
      return next;
    });
  };

  const accountList = accounts.data ?? [];
  const accountNames = new Map(accountList.map((account) => [account.id, account.name]));
  const filtered = Object.keys(filters).length > 0;
  const openTemplate = templates.data?.find((template) => template.id === openId) ?? null;
  const noAccounts = accounts.isSuccess && accountList.length === 0;

  const newButton = editable && !noAccounts && (
    <Button component={Link} to="/templates/new" leftSection={<IconPlus size={16} aria-hidden />}>
      New template
    </Button>
  );

  let list: ReactNode;
  if (noAccounts) {
    list = (
      <EmptyState
        icon={<IconBrandWhatsapp size={26} aria-hidden />}
        title="Connect a WhatsApp account first"
        description="Templates belong to a WhatsApp Business account: Meta reviews them and they can then start conversations. Connect an account under Settings → WhatsApp."
        action={
          canManageWhatsAppAccounts(me.role) && (
            <Button component={Link} to="/settings/whatsapp" variant="light">
              Go to WhatsApp settings
            </Button>
          )
        }
      />
    );
  } else if (templates.isPending) {
    list = <TableSkeleton columns={7} />;
  } else if (templates.isError) {
    list = (
      <ErrorState
        title="Couldn't load templates"
        error={templates.error}
        onRetry={() => void templates.refetch()}
        retrying={templates.isFetching}
      />
    );
  } else if (templates.data.length === 0) {
    list = filtered ? (
      <EmptyState
        icon={<IconFilterOff size={26} aria-hidden />}
        title="No templates match these filters"
        description="Change or clear the filters to see more."
        action={
          <Button variant="light" onClick={clearFilters}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        icon={<IconTemplate size={26} aria-hidden />}
        title="No templates yet"
        description={
          editable
            ? 'Sync from Meta to bring in the templates your accounts already have, or create a new one for Meta to review.'
            : 'Editors sync templates from Meta or create new ones; they appear here.'
        }
        action={newButton}
      />
    );
  } else {
    list = (
      <TemplatesTable
        templates={templates.data}
        accountNames={accountNames}
        onOpen={setOpen}
        onDelete={editable ? setToDelete : null}
      />
    );
  }

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            Templates
          </Title>
          <Text c="dimmed" size="sm">
            Message templates approved by Meta start conversations; their status updates live.
          </Text>
        </div>
        {newButton}
      </Group>

      {editable && accountList.length > 0 && (
        <Paper withBorder radius="md" p="sm" component="section" aria-label="Sync from Meta">
          <Group gap="lg" wrap="wrap">
            <Text size="sm" fw={500}>
              Bring in the templates an account has at Meta:
            </Text>
            {accountList.map((account) => (
              <SyncTemplatesButton
                key={account.id}
                account={account}
                named={accountList.length > 1}
              />
            ))}
          </Group>
        </Paper>
      )}

      {!noAccounts && (
        <Paper withBorder radius="md" p="lg">
          <Stack gap="md">
            <Group gap="sm" align="flex-end" role="search" aria-label="Filter templates">
              <TextInput
                label="Search by name"
                placeholder="order_update"
                leftSection={<IconSearch size={16} aria-hidden />}
                value={search}
                onChange={(event) => setSearch(event.currentTarget.value)}
                style={{ flex: '1 1 200px' }}
              />
              {accountList.length > 1 && (
                <NativeSelect
                  label="Account"
                  value={filters.account_id ?? ''}
                  onChange={(event) => setFilter('account_id', event.currentTarget.value)}
                  data={[
                    { value: '', label: 'All accounts' },
                    ...accountList.map((account) => ({
                      value: String(account.id),
                      label: account.name,
                    })),
                  ]}
                />
              )}
              <NativeSelect
                label="Status"
                value={filters.status ?? ''}
                onChange={(event) => setFilter('status', event.currentTarget.value)}
                data={[
                  { value: '', label: 'All statuses' },
                  ...templateStatuses.map((status) => ({ value: status, label: humanize(status) })),
                ]}
              />
              <NativeSelect
                label="Category"
                value={filters.category ?? ''}
                onChange={(event) => setFilter('category', event.currentTarget.value)}
                data={[
                  { value: '', label: 'All categories' },
                  ...templateCategories.map((category) => ({
                    value: category,
                    label: humanize(category),
                  })),
                ]}
              />
              <NativeSelect
                label="Language"
                value={filters.language ?? ''}
                onChange={(event) => setFilter('language', event.currentTarget.value)}
                data={[
                  { value: '', label: 'All languages' },
                  ...templateLocales.map((locale) => ({
                    value: locale.code,
                    label: `${locale.label} (${locale.code})`,
                  })),
                  ...(filters.language && !templateLocales.some((l) => l.code === filters.language)
                    ? [{ value: filters.language, label: localeLabel(filters.language) }]
                    : []),
                ]}
              />
              {filtered && (
                <Button
                  variant="subtle"
                  leftSection={<IconFilterOff size={16} aria-hidden />}
                  onClick={clearFilters}
                >
                  Clear filters
                </Button>
              )}
            </Group>
            {list}
          </Stack>
        </Paper>
      )}
      {noAccounts && list}

      <TemplateDrawer
        template={openTemplate}
        accountName={openTemplate ? (accountNames.get(openTemplate.account_id) ?? null) : null}
        onClose={() => setOpen(null)}
        onDelete={editable ? setToDelete : null}
      />
      {editable && (
        <DeleteTemplateModal
          template={toDelete}
          onClose={() => setToDelete(null)}
          onDeleted={() => {
            if (toDelete?.id === openId) setOpen(null);
          }}
        />
      )}
    </Stack>
  );
}
