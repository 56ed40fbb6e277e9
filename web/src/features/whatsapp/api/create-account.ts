import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { Account } from './get-accounts';

export interface CreateAccountInput {
  name: string;
  waba_id: string;
  access_token: string;
  app_secret?: string;
  verify_token?: string;
  /** Leave out for Meta's Graph API. */
  graph_url?: string;
}

/**
 * POST /api/v1/whatsapp/accounts (owner, admin): 201 Account, its numbers already fetched from
 * the Graph API; a failure to fetch them is kept in `refresh_error`, not refused.
 */
export function createAccount(input: CreateAccountInput): Promise<Account> {
  return apiClient.post<Account>('/api/v1/whatsapp/accounts', input);
}

export function useCreateAccount() {
  return useInvalidatingMutation(createAccount, [queryKeys.whatsappAccounts]);
}
