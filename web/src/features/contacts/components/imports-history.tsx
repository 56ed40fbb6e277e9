import { Anchor, Table, Text } from '@mantine/core';
import { type InfiniteData, useQueryClient } from '@tanstack/react-query';
import { IconHistory } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ListTable } from '@/components/list-table';
import { PagedList } from '@/components/paged-list';
import { SectionCard } from '@/components/section-card';
import type { Page } from '@/lib/api-client';
import { formatBytes, formatDateTime, formatNumber, formatRelative } from '@/lib/format';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import type { Import } from '../api/get-import';
import { importsQueryKey, useImports } from '../api/get-imports';
import { eventId } from '../hooks/live-updates';
import { importProgressEvent } from '../hooks/use-live-import';
import { ImportStateBadge } from './import-state-badge';

function count(value: number | undefined) {
  return value === undefined ? '—' : formatNumber(value);
}

/** Recent imports with their state and counts; a running one updates live. */
export function ImportsHistory() {
  const imports = useImports();
  const queryClient = useQueryClient();

  useWorkspaceEvent(importProgressEvent, (data) => {
    const id = eventId(data);
    if (id === null) return;
    const cached = queryClient.getQueryData<InfiniteData<Page<Import>>>(importsQueryKey);
    if (!cached?.pages.some((page) => page.data.some((item) => item.id === id))) {
      // An import started elsewhere: the refetch lists it.
      void queryClient.invalidateQueries({ queryKey: importsQueryKey });
      return;
    }
    queryClient.setQueryData<InfiniteData<Page<Import>>>(importsQueryKey, {
      ...cached,
      pages: cached.pages.map((page) => ({
        ...page,
        data: page.data.map((item) => (item.id === id ? { ...item, ...(data as Import) } : item)),
      })),
    });
  });

  return (
    <SectionCard title="Recent imports" description="Open one to see its details or finish it.">
      <PagedList
        query={imports}
        skeletonColumns={8}
        errorTitle="Couldn't load imports"
        empty={
          <EmptyState
            icon={<IconHistory size={26} aria-hidden />}
            title="No imports yet"
            description="Files you import are listed here with what came of them."
          />
        }
        loadMoreLabel="Load more imports"
      >
        {(list) => (
          <ListTable
            label="Recent imports"
            columns={[
              'File',
              'State',
              'Rows',
              'Created',
              'Updated',
              'Skipped',
              'Failed',
              'Started',
            ]}
            minWidth={860}
          >
            {list.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/contacts/import/${item.id}`} size="sm" fw={500}>
                    {item.filename}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {formatBytes(item.size_bytes)}
                    {typeof item.created_by === 'object' && item.created_by
                      ? ` · ${item.created_by.name}`
                      : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ImportStateBadge state={item.state} />
                </Table.Td>
                <Table.Td>{count(item.progress?.rows)}</Table.Td>
                <Table.Td>{count(item.progress?.created)}</Table.Td>
                <Table.Td>{count(item.progress?.updated)}</Table.Td>
                <Table.Td>{count(item.progress?.skipped)}</Table.Td>
                <Table.Td c={item.progress?.failed ? 'red' : undefined}>
                  {count(item.progress?.failed)}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" title={formatDateTime(item.started_at ?? item.created_at)}>
                    {formatRelative(item.started_at ?? item.created_at)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </ListTable>
        )}
      </PagedList>
    </SectionCard>
  );
}
