import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type JobState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const jobStates: readonly JobState[] = [
  'pending',
  'running',
  'failed',
  'succeeded',
  'cancelled',
];

/** A unit of background work on the durable queue. */
export interface Job {
  id: number;
  queue: string;
  kind: string;
  state: JobState;
  /** Whatever the kind takes, e.g. `{"import_id": 3}`. */
  payload: unknown;
  tags: string[];
  /** At most one job with this key is pending or running at a time. */
  unique_key: string | null;
  priority: number;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  /** The worker holding the job while it runs. */
  worker: string | null;
  run_at: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobFilters {
  state?: JobState;
  queue?: string;
  kind?: string;
  tag?: string;
  /** Searches the payload and the last error. */
  q?: string;
}

const jobsPageSize = 50;

/** GET /api/v1/jobs (owner, admin): one page, newest first. */
export function getJobs(
  filters: JobFilters,
  cursor: string | null,
  signal?: AbortSignal,
  limit: number = jobsPageSize,
): Promise<Page<Job>> {
  return apiClient.get<Page<Job>>('/api/v1/jobs', { ...filters, cursor, limit }, signal);
}

export function jobsQueryKey(filters: JobFilters) {
  return [...queryKeys.jobs, 'list', filters] as const;
}

export function jobsQueryOptions(filters: JobFilters) {
  return infiniteQueryOptions({
    queryKey: jobsQueryKey(filters),
    queryFn: ({ pageParam, signal }) => getJobs(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}

export function useJobs(filters: JobFilters) {
  return useInfiniteQuery(jobsQueryOptions(filters));
}

/** Counting stops here: a confirmation says "more than 5,000" rather than paging for ever. */
export const jobCountCap = 5000;
const countPageSize = 200;

/**
 * How many jobs match `filters`, by paging through the list (the API has no count), up to
 * `jobCountCap`; `capped` says there are more.
 */
export async function countJobs(
  filters: JobFilters,
  signal?: AbortSignal,
): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: Page<Job> = await getJobs(filters, cursor, signal, countPageSize);
    count += page.data.length;
    cursor = page.next_cursor;
  } while (cursor !== null && count < jobCountCap);
  return { count, capped: cursor !== null };
}

export function useJobCount(filters: JobFilters, enabled: boolean) {
  return useQuery({
    ...queryOptions({
      queryKey: [...queryKeys.jobs, 'count', filters] as const,
      queryFn: ({ signal }) => countJobs(filters, signal),
      staleTime: 0,
    }),
    enabled,
  });
}
