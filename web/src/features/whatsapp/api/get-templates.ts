import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type ParameterFormat = 'positional' | 'named';

/** One button of a BUTTONS component, as Meta spells it. */
export interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
  phone_number?: string;
  example?: string | string[];
}

/**
 * A component as Meta spells it (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`). Templates synced from
 * Meta may carry kinds and fields this app does not know; they are kept and shown as far as
 * they can be.
 */
export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: TemplateButton[];
  example?: Record<string, unknown>;
}

export interface Template {
  id: number;
  account_id: number;
  meta_id: string;
  name: string;
  language: string;
  category: string;
  /** `APPROVED`, `PENDING`, `REJECTED`, `PAUSED`, `DISABLED`, …: Meta's words. */
  status: string;
  quality: string;
  parameter_format: ParameterFormat;
  components: TemplateComponent[];
  rejected_reason: string | null;
  updated_at: string;
}

/** The list's filters; empty ones are left out of the request. */
export interface TemplateFilters {
  account_id?: string;
  status?: string;
  category?: string;
  language?: string;
  q?: string;
}

/** GET /api/v1/whatsapp/templates (any role): the templates matching every given filter. */
export async function getTemplates(
  filters: TemplateFilters,
  signal?: AbortSignal,
): Promise<Template[]> {
  const answer = await apiClient.get<{ data: Template[] }>(
    '/api/v1/whatsapp/templates',
    { ...filters },
    signal,
  );
  return answer.data;
}

export function templatesQueryOptions(filters: TemplateFilters) {
  return queryOptions({
    queryKey: [...queryKeys.whatsappTemplates, filters],
    queryFn: ({ signal }) => getTemplates(filters, signal),
    // Typing in the search box changes the key on every keystroke: keep the rows on screen.
    placeholderData: keepPreviousData,
  });
}

export function useTemplates(filters: TemplateFilters) {
  return useQuery(templatesQueryOptions(filters));
}
