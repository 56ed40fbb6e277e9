import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from './api-client';
import { queryKeys } from './query-keys';

// How the workspace reads phone numbers and which replies change consent (docs/api.md,
// Workspace.settings). The contacts pages and the workspace settings both need them, so they
// live here; they come with GET /api/v1/workspace, which the dashboard reads for its counts too.

export interface WorkspaceSettings {
  /** ISO 3166 alpha-2 region for numbers written without `+`, e.g. `ID`; null when unset. */
  default_region: string | null;
  opt_out_keywords: string[];
  opt_in_keywords: string[];
}

interface WorkspaceAnswer {
  settings?: {
    default_region?: string | null;
    opt_out_keywords?: string[];
    opt_in_keywords?: string[];
  };
}

/** The settings of a Workspace answer, with an empty region as none. */
export function readWorkspaceSettings(workspace: WorkspaceAnswer): WorkspaceSettings {
  const settings = workspace.settings ?? {};
  const region = settings.default_region ?? '';
  return {
    default_region: region === '' ? null : region,
    opt_out_keywords: settings.opt_out_keywords ?? [],
    opt_in_keywords: settings.opt_in_keywords ?? [],
  };
}

export const workspaceSettingsQueryOptions = queryOptions({
  queryKey: queryKeys.workspace,
  queryFn: ({ signal }) => apiClient.get<WorkspaceAnswer>('/api/v1/workspace', undefined, signal),
  select: readWorkspaceSettings,
});

export function useWorkspaceSettings() {
  return useQuery(workspaceSettingsQueryOptions);
}
