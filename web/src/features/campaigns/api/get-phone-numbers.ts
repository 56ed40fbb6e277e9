import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export interface PhoneNumber {
  id: number;
  pnid: string;
  display_number: string;
  verified_name: string;
  quality_rating: string;
  messaging_tier: string;
  throughput_mps: number;
  status: string;
}

export interface Account {
  id: number;
  name: string;
  status: 'active' | 'paused';
  paused_reason: string | null;
  phone_numbers: PhoneNumber[];
}

/** A sender to choose: a number with the account it belongs to. */
export interface SenderOption extends PhoneNumber {
  account: Pick<Account, 'id' | 'name' | 'status'>;
}

/** GET /api/v1/whatsapp/accounts (any role); cached as the list, as Settings → WhatsApp does. */
export async function getAccounts(signal?: AbortSignal): Promise<Account[]> {
  const answer = await apiClient.get<{ data: Account[] }>(
    '/api/v1/whatsapp/accounts',
    undefined,
    signal,
  );
  return answer.data;
}

function senderOptions(accounts: Account[]): SenderOption[] {
  return accounts.flatMap((account) =>
    account.phone_numbers.map((number) => ({
      ...number,
      account: { id: account.id, name: account.name, status: account.status },
    })),
  );
}

/** Every phone number of the workspace's accounts, the senders a campaign can use. */
export function usePhoneNumbers() {
  return useQuery(
    queryOptions({
      queryKey: queryKeys.whatsappAccounts,
      queryFn: ({ signal }) => getAccounts(signal),
      select: senderOptions,
    }),
  );
}
