import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Me, Workspace } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

export interface UpdateWorkspaceInput {
  name?: string;
  /** ISO 3166 alpha-2 region for numbers written without `+`. */
  default_region?: string;
  /** Up to 20 keywords of 1 to 32 characters; an inbound message that is one of them opts out. */
  opt_out_keywords?: string[];
  opt_in_keywords?: string[];
}

/** PATCH /api/v1/workspace (owner, admin): 200 Workspace. */
export function updateWorkspace(input: UpdateWorkspaceInput): Promise<Workspace> {
  return apiClient.patch<Workspace>('/api/v1/workspace', input);
}

export function useUpdateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWorkspace,
    onSuccess: (workspace) => {
      // The header reads the name from Me; patch it in place rather than refetching.
      queryClient.setQueryData<Me>(queryKeys.me, (me) => (me ? { ...me, workspace } : me));
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspace });
    },
  });
}
