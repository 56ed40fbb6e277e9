import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Job } from './get-jobs';

/** An attempt that did not succeed (successful ones leave none), with the handler's trace. */
export interface JobAttempt {
  attempt: number;
  worker: string;
  /** `retry`: it will run again after a backoff; `failed`: it gave up. */
  outcome: 'retry' | 'failed' | (string & {});
  error: string;
  trace: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface JobDetail extends Job {
  history: JobAttempt[];
}

/**
 * The job as GET /api/v1/jobs/{id} answers it. Some servers sent the attempts' list as
 * `attempts`, in place of the count; the count then is the list's length.
 */
export function readJobDetail(raw: unknown): JobDetail {
  const job = raw as Omit<JobDetail, 'attempts' | 'history'> & {
    attempts: number | JobAttempt[];
    history?: JobAttempt[];
  };
  const history = job.history ?? (Array.isArray(job.attempts) ? job.attempts : []);
  const attempts = typeof job.attempts === 'number' ? job.attempts : history.length;
  return { ...job, attempts, history };
}

/** GET /api/v1/jobs/{id} (owner, admin): the job with its failed and retried attempts. */
export async function getJob(id: number, signal?: AbortSignal): Promise<JobDetail> {
  return readJobDetail(await apiClient.get<unknown>(`/api/v1/jobs/${id}`, undefined, signal));
}

export function jobQueryKey(id: number) {
  return [...queryKeys.jobs, 'one', id] as const;
}

export function useJob(id: number | null) {
  return useQuery({
    ...queryOptions({
      queryKey: jobQueryKey(id ?? 0),
      queryFn: ({ signal }) => getJob(id ?? 0, signal),
    }),
    enabled: id !== null,
  });
}
