import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { acceptMe, type Me } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

export interface LoginInput {
  email: string;
  password: string;
}

/** POST /api/v1/auth/login: 200 Me and the session cookies; 401 invalid_credentials; 429. */
export async function login(input: LoginInput): Promise<Me> {
  return acceptMe(await apiClient.post<Me>('/api/v1/auth/login', input));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (me) => {
      // Whatever is cached belongs to the previous session, possibly another user.
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me, me);
    },
  });
}
