import { Button, Group, Stack } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Page } from '@/lib/api-client';
import { ErrorState } from './error-state';
import { TableSkeleton } from './skeletons';

interface PagedListProps<T> {
  /** A cursor-paginated list query (docs/api.md), e.g. the users or the API tokens. */
  query: UseInfiniteQueryResult<InfiniteData<Page<T>>>;
  /** Columns of the table the loading placeholder stands in for. */
  skeletonColumns: number;
  /** What could not be done, e.g. "Couldn't load users". */
  errorTitle: string;
  /** Shown when the list has no items at all. */
  empty: ReactNode;
  /** Names what is loaded, e.g. "Load more users". */
  loadMoreLabel: string;
  /** Renders the items of every page fetched so far. */
  children: (items: T[]) => ReactNode;
}

/** Loading, error and empty states of a paged list, and its "Load more" button. */
export function PagedList<T>({
  query,
  skeletonColumns,
  errorTitle,
  empty,
  loadMoreLabel,
  children,
}: PagedListProps<T>) {
  if (query.isPending) return <TableSkeleton columns={skeletonColumns} />;
  if (query.isError) {
    return (
      <ErrorState
        title={errorTitle}
        error={query.error}
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    );
  }
  const items = query.data.pages.flatMap((page) => page.data);
  if (items.length === 0) return empty;
  return (
    <Stack gap="sm">
      {children(items)}
      {query.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            onClick={() => void query.fetchNextPage()}
            loading={query.isFetchingNextPage}
          >
            {loadMoreLabel}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
