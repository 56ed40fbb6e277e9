import {
  Button,
  Group,
  Loader,
  NativeSelect,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCircleCheck, IconFilterOff, IconListDetails, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { SectionCard } from '@/components/section-card';
import { TableSkeleton } from '@/components/skeletons';
import { jobStates, useJobs } from '../api/get-jobs';
import { useQueues } from '../api/get-queues';
import { jobStateStyle } from '../lib/format';
import { jobFiltersFrom, jobParam } from '../lib/job-filters';
import { FailedJobsActions } from './failed-jobs-actions';
import { JobDrawer } from './job-drawer';
import { JobsTable } from './jobs-table';

const filterNames = ['state', 'queue', 'kind', 'tag', 'q'] as const;
type FilterName = (typeof filterNames)[number];
const searchDelayMs = 300;

/**
 * Calls `onVisible` whenever the element it is given (as a ref callback) scrolls into view,
 * where the browser can tell; elsewhere the "Load more jobs" button does the same.
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

/** Jobs by state, queue, kind, tag and text, newest first, loading more as it scrolls. */
export function JobsPanel() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => jobFiltersFrom(params), [params]);
  const openId = jobParam(params.get('job'));
  const jobs = useJobs(filters);
  const queues = useQueues();

  const setParam = (name: FilterName | 'job', value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === '') next.delete(name);
        else next.set(name, value);
        return next;
      },
      // Opening a job is a step Back can undo; filters and closing replace the entry.
      { replace: name !== 'job' || value === '' },
    );
  };

  // The search box answers each keystroke; the request waits for a pause in typing.
  const [search, setSearch] = useState(filters.q ?? '');
  const [tag, setTag] = useState(filters.tag ?? '');
  const [debouncedSearch] = useDebouncedValue(search.trim(), searchDelayMs);
  const [debouncedTag] = useDebouncedValue(tag.trim(), searchDelayMs);
  const applied = useRef({ q: debouncedSearch, tag: debouncedTag });
  useEffect(() => {
    if (applied.current.q === debouncedSearch && applied.current.tag === debouncedTag) return;
    applied.current = { q: debouncedSearch, tag: debouncedTag };
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of [
          ['q', debouncedSearch],
          ['tag', debouncedTag],
        ] as const) {
          if (value === '') next.delete(name);
          else next.set(name, value);
        }
        return next;
      },
      { replace: true },
    );
  }, [debouncedSearch, debouncedTag, setParams]);

  const clearFilters = () => {
    setSearch('');
    setTag('');
    applied.current = { q: '', tag: '' };
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const name of filterNames) if (name !== 'state') next.delete(name);
        return next;
      },
      { replace: true },
    );
  };

  const queueNames = queues.data?.data.map((queue) => queue.name) ?? [];
  if (filters.queue && !queueNames.includes(filters.queue)) queueNames.push(filters.queue);
  const kindNames = [
    ...new Set(
      (queues.data?.kinds ?? [])
        .filter((kind) => !filters.queue || kind.queue === filters.queue)
        .map((kind) => kind.kind),
    ),
  ].sort();
  if (filters.kind && !kindNames.includes(filters.kind)) kindNames.push(filters.kind);

  const narrowed = Boolean(filters.queue ?? filters.kind ?? filters.tag ?? filters.q);
  const sentinel = useWhenVisible(() => {
    if (jobs.hasNextPage && !jobs.isFetchingNextPage) void jobs.fetchNextPage();
  }, jobs.hasNextPage);

  let list;
  if (jobs.isPending) list = <TableSkeleton columns={9} />;
  else if (jobs.isError) {
    list = (
      <ErrorState
        title="Couldn't load the jobs"
        error={jobs.error}
        onRetry={() => void jobs.refetch()}
        retrying={jobs.isFetching}
      />
    );
  } else {
    const items = jobs.data.pages.flatMap((page) => page.data);
    if (items.length === 0) {
      if (narrowed) {
        list = (
          <EmptyState
            icon={<IconFilterOff size={26} aria-hidden />}
            title="No jobs match"
            description="Change or clear the filters to see more."
            action={
              <Button variant="light" onClick={clearFilters}>
                Clear filters
              </Button>
            }
          />
        );
      } else if (filters.state === 'failed') {
        list = (
          <EmptyState
            icon={<IconCircleCheck size={26} aria-hidden />}
            title="No failed jobs"
            description="Everything that ran succeeded. A job that fails for good shows up here with its error, ready to retry."
          />
        );
      } else if (filters.state) {
        list = (
          <EmptyState
            icon={<IconListDetails size={26} aria-hidden />}
            title={`No ${jobStateStyle(filters.state).label.toLowerCase()} jobs`}
            description="Pick another state to see the rest."
          />
        );
      } else {
        list = (
          <EmptyState
            icon={<IconListDetails size={26} aria-hidden />}
            title="No jobs yet"
            description="Imports, exports and maintenance run in the background as jobs; each shows up here as soon as it is queued."
          />
        );
      }
    } else {
      list = (
        <Stack gap="sm">
          <JobsTable jobs={items} onOpen={(job) => setParam('job', String(job.id))} />
          <div ref={sentinel} />
          {jobs.hasNextPage && (
            <Group justify="center">
              <Button
                variant="default"
                onClick={() => void jobs.fetchNextPage()}
                loading={jobs.isFetchingNextPage}
              >
                Load more jobs
              </Button>
            </Group>
          )}
          {!jobs.hasNextPage && items.length > 20 && (
            <Text size="xs" c="dimmed" ta="center">
              That is every job that matches.
            </Text>
          )}
        </Stack>
      );
    }
  }

  return (
    <SectionCard
      title="Jobs"
      description="Background work, newest first: what ran, what waits and what failed, with its error."
      actions={
        jobs.isFetching && !jobs.isPending ? <Loader size="xs" aria-label="Updating" /> : null
      }
    >
      <SegmentedControl
        aria-label="Job state"
        value={filters.state ?? 'all'}
        onChange={(value) => setParam('state', value === 'all' ? '' : value)}
        data={[
          { value: 'all', label: 'All' },
          ...jobStates.map((state) => ({ value: state, label: jobStateStyle(state).label })),
        ]}
        style={{ alignSelf: 'flex-start', maxWidth: '100%', overflowX: 'auto' }}
      />
      <Group gap="sm" align="flex-end" role="search" aria-label="Filter jobs">
        <NativeSelect
          label="Queue"
          value={filters.queue ?? ''}
          onChange={(event) => setParam('queue', event.currentTarget.value)}
          data={[{ value: '', label: 'All queues' }, ...queueNames]}
        />
        <NativeSelect
          label="Kind"
          value={filters.kind ?? ''}
          onChange={(event) => setParam('kind', event.currentTarget.value)}
          data={[{ value: '', label: 'All kinds' }, ...kindNames]}
        />
        <TextInput
          label="Tag"
          placeholder="contacts.import:3"
          value={tag}
          onChange={(event) => setTag(event.currentTarget.value)}
          style={{ flex: '0 1 200px' }}
        />
        <TextInput
          label="Search payloads and errors"
          placeholder="an id, a file name, an error…"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          style={{ flex: '1 1 220px' }}
        />
        {narrowed && (
          <Button
            variant="subtle"
            leftSection={<IconFilterOff size={16} aria-hidden />}
            onClick={clearFilters}
          >
            Clear filters
          </Button>
        )}
      </Group>
      {filters.state === 'failed' && <FailedJobsActions filters={filters} />}
      {list}
      <JobDrawer jobId={openId} onClose={() => setParam('job', '')} />
    </SectionCard>
  );
}
