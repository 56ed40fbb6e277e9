import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { acceptMe, type Me } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

export interface UpdateProfileInput {
  name: string;
}

/** PATCH /api/v1/me: 200 Me. */
export async function updateProfile(input: UpdateProfileInput): Promise<Me> {
  return acceptMe(await apiClient.patch<Me>('/api/v1/me', input));
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateProfile,
    onSuccess: (me) => {
      queryClient.setQueryData(queryKeys.me, me);
      // The users list shows this name too.
      void queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });
}
