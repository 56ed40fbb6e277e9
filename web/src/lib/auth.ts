import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient, rememberCsrfToken } from './api-client';
import { queryKeys } from './query-keys';

// The signed-in user is needed everywhere (shell, role gates, forms), so GET /api/v1/me lives in
// lib/ rather than in one feature, as bulletproof-react does with lib/auth.

export type Role = 'owner' | 'admin' | 'editor' | 'viewer';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  created_at: string;
}

export interface Workspace {
  id: number;
  name: string;
  created_at: string;
}

export interface Me {
  user: User;
  workspace: Workspace;
  role: Role;
  csrf_token: string;
}

/** Stores the CSRF token that comes with every Me answer (login, GET and PATCH /me). */
export function acceptMe(me: Me): Me {
  rememberCsrfToken(me.csrf_token);
  return me;
}

export async function getMe(signal?: AbortSignal): Promise<Me> {
  return acceptMe(await apiClient.get<Me>('/api/v1/me', undefined, signal));
}

export const meQueryOptions = queryOptions({
  queryKey: queryKeys.me,
  queryFn: ({ signal }) => getMe(signal),
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQueryOptions);
}

/**
 * The signed-in person, for components under the app's auth guard, which renders nothing until
 * Me has loaded. Calling it elsewhere is a programming mistake.
 */
export function useSignedInMe(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSignedInMe used outside the auth guard');
  return data;
}
