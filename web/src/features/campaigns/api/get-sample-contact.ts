import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { AudienceFilter } from './get-campaign';

/** The parts of a Contact a message preview fills variables from. */
export interface SampleContact {
  id: number;
  phone: string;
  name: string | null;
  language: string | null;
  country: string | null;
  timezone: string | null;
  fields: Record<string, string | number | boolean | null>;
}

/** GET /api/v1/contacts?limit=1 with the audience's filter: someone the campaign would reach. */
export async function getSampleContact(
  filter: AudienceFilter,
  signal?: AbortSignal,
): Promise<SampleContact | null> {
  const page = await apiClient.get<Page<SampleContact>>(
    '/api/v1/contacts',
    { ...filter, limit: 1 },
    signal,
  );
  return page.data[0] ?? null;
}

export function useSampleContact(filter: AudienceFilter | null) {
  return useQuery({
    ...queryOptions({
      queryKey: [...queryKeys.campaigns, 'sample-contact', filter] as const,
      queryFn: ({ signal }) => getSampleContact(filter ?? {}, signal),
      staleTime: 60_000,
    }),
    enabled: filter !== null,
    placeholderData: keepPreviousData,
  });
}
