import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, fetchOrNetworkError } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface Readiness {
  ready: boolean;
  /** `sqlite` or `postgres`; null when the server did not say (not ready). */
  database: string | null;
  schemaVersion: number | null;
}

/**
 * GET /readyz. Not under /api and outside the error contract: a 503 here is an answer ("not
 * ready"), not a failure, so this reads the body itself instead of using apiClient.
 */
export async function getReadiness(signal?: AbortSignal): Promise<Readiness> {
  const response = await fetchOrNetworkError('/readyz', {
    headers: { Accept: 'application/json' },
    signal,
  });
  if (response.status !== 200 && response.status !== 503) {
    throw new ApiError({
      status: response.status,
      code: 'unknown',
      message: `The readiness check answered HTTP ${response.status}.`,
    });
  }
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // A 503 from a proxy may have no JSON body; "not ready" is still the right reading.
  }
  return {
    ready: response.status === 200 && body.status === 'ready',
    database: typeof body.database === 'string' ? body.database : null,
    schemaVersion: typeof body.schema_version === 'number' ? body.schema_version : null,
  };
}

export const readinessQueryOptions = queryOptions({
  queryKey: queryKeys.readiness,
  queryFn: ({ signal }) => getReadiness(signal),
  refetchInterval: 30_000,
});

export function useReadiness() {
  return useQuery(readinessQueryOptions);
}
