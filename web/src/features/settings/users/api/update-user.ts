import { type InfiniteData, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient, type Page } from '@/lib/api-client';
import type { Role, User } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

export interface UpdateUserInput {
  id: number;
  name?: string;
  role?: Role;
}

/** PATCH /api/v1/users/{id} (owner, admin): 200 User; 409 when it would leave no owner. */
export function updateUser({ id, ...changes }: UpdateUserInput): Promise<User> {
  return apiClient.patch<User>(`/api/v1/users/${id}`, changes);
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSuccess: (updated) => {
      // Swap the row in place so the table does not reorder or flash while refetching.
      queryClient.setQueryData<InfiniteData<Page<User>>>(queryKeys.users, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                data: page.data.map((user) => (user.id === updated.id ? updated : user)),
              })),
            }
          : data,
      );
    },
  });
}
