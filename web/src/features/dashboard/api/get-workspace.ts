import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Workspace } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';

export interface WorkspaceWithStats extends Workspace {
  stats: { users: number; api_tokens: number };
}

/** GET /api/v1/workspace: the workspace with its counts. */
export function getWorkspace(signal?: AbortSignal): Promise<WorkspaceWithStats> {
  return apiClient.get<WorkspaceWithStats>('/api/v1/workspace', undefined, signal);
}

export const workspaceQueryOptions = queryOptions({
  queryKey: queryKeys.workspace,
  queryFn: ({ signal }) => getWorkspace(signal),
});

export function useWorkspace() {
  return useQuery(workspaceQueryOptions);
}
