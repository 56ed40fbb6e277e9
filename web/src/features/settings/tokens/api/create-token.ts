import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { ApiToken } from './get-tokens';

export interface CreateTokenInput {
  name: string;
}

export interface CreatedToken {
  token: ApiToken;
  /** `kirim_...`; this answer is the only place the server ever returns it. */
  secret: string;
}

/** POST /api/v1/tokens (owner, admin): 201 with the token and its secret. */
export function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return apiClient.post<CreatedToken>('/api/v1/tokens', input);
}

// The secret is handed to the caller only, never written into the query cache, so it
// disappears with the modal that shows it.
export function useCreateToken() {
  return useInvalidatingMutation(createToken, [queryKeys.tokens, queryKeys.workspace]);
}
