import { type JobFilters, type JobState, jobStates } from '../api/get-jobs';

/** The list's filters as the URL keeps them (`?tab=jobs&state=failed&queue=imports`). */
export function jobFiltersFrom(params: URLSearchParams): JobFilters {
  const filters: JobFilters = {};
  const state = params.get('state');
  if (state && (jobStates as readonly string[]).includes(state)) filters.state = state as JobState;
  for (const name of ['queue', 'kind', 'tag', 'q'] as const) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

/** A positive job id from the URL's `job`, or null. */
export function jobParam(value: string | null): number | null {
  return value !== null && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}
