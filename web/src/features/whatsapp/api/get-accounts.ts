import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** Meta's quality rating of a number or a template; other values may appear and show as is. */
export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN' | (string & {});

export interface PhoneNumber {
  id: number;
  /** Meta's phone number id, what the Graph API and webhooks name the number by. */
  pnid: string;
  display_number: string;
  verified_name: string;
  quality_rating: QualityRating;
  /** `TIER_250`, `TIER_2K`, `TIER_10K`, `TIER_100K`, `TIER_UNLIMITED`; empty when unknown. */
  messaging_tier: string;
  throughput_mps: number;
  /** `CONNECTED`, `PENDING`, `FLAGGED`, …: Meta's words. */
  status: string;
  updated_at: string;
}

export type AccountStatus = 'active' | 'paused';

/** A WhatsApp Business account; its secrets are never sent back, only whether each is set. */
export interface Account {
  id: number;
  name: string;
  waba_id: string;
  /** Null: Meta's Graph API. Otherwise e.g. the sandbox's `http://127.0.0.1:8090/v23.0`. */
  graph_url: string | null;
  status: AccountStatus;
  paused_reason: string | null;
  has_access_token: boolean;
  has_app_secret: boolean;
  has_verify_token: boolean;
  /** `/webhooks/whatsapp/{id}`, relative to the server's origin. */
  webhook_path: string;
  phone_numbers: PhoneNumber[];
  refreshed_at: string | null;
  /** Why the last refresh from Meta failed; null when it worked. */
  refresh_error: string | null;
  created_at: string;
}

/** GET /api/v1/whatsapp/accounts (any role): every account of the workspace, with numbers. */
export async function getAccounts(signal?: AbortSignal): Promise<Account[]> {
  const answer = await apiClient.get<{ data: Account[] }>(
    '/api/v1/whatsapp/accounts',
    undefined,
    signal,
  );
  return answer.data;
}

export const accountsQueryOptions = queryOptions({
  queryKey: queryKeys.whatsappAccounts,
  queryFn: ({ signal }) => getAccounts(signal),
});

export function useAccounts() {
  return useQuery(accountsQueryOptions);
}
