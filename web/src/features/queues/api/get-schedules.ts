import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** A recurring job: a cron expression in a time zone, and the job it enqueues. */
export interface Schedule {
  name: string;
  cron: string;
  timezone: string;
  /** The expression in words, e.g. "at 03:15". */
  description: string;
  queue: string;
  kind: string;
  payload: unknown;
  enabled: boolean;
  /** Null while disabled, or when the expression never fires again. */
  next_run_at: string | null;
  last_run_at: string | null;
  last_job_id: number | null;
}

export const schedulesQueryKey = queryKeys.schedules;

/** GET /api/v1/schedules (owner, admin). */
export async function getSchedules(signal?: AbortSignal): Promise<Schedule[]> {
  return (await apiClient.get<{ data: Schedule[] }>('/api/v1/schedules', undefined, signal)).data;
}

export const schedulesQueryOptions = queryOptions({
  queryKey: schedulesQueryKey,
  queryFn: ({ signal }) => getSchedules(signal),
});

export function useSchedules() {
  return useQuery(schedulesQueryOptions);
}
