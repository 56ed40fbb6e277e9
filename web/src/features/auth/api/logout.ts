import { useMutation } from '@tanstack/react-query';
import { apiClient, rememberCsrfToken } from '@/lib/api-client';

/** POST /api/v1/auth/logout: 204, ends the session and clears the cookies. */
export async function logout(): Promise<void> {
  await apiClient.post<void>('/api/v1/auth/logout');
}

// The query cache is not cleared here: the shell is still mounted and would refetch what was
// removed. The next login clears it (see login.ts), and nothing renders it in between.
export function useLogout() {
  return useMutation({
    mutationFn: logout,
    onSettled: () => rememberCsrfToken(null),
  });
}
