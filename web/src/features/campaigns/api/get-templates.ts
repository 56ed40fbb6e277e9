import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';

/** A button of a template's BUTTONS component, as Meta spells it. */
export interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
  phone_number?: string;
  example?: string | string[];
}

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
  name: string;
  language: string;
  category: string;
  /** `APPROVED` can be sent; `PENDING`, `REJECTED`, `PAUSED`, `DISABLED` cannot. */
  status: string;
  quality: string;
  parameter_format: 'positional' | 'named';
  components: TemplateComponent[];
  updated_at: string;
}

/** Every template of the workspace (the same cache entry as the templates page unfiltered). */
const allTemplates = {};

/** GET /api/v1/whatsapp/templates (any role). */
export async function getTemplates(signal?: AbortSignal): Promise<Template[]> {
  const answer = await apiClient.get<{ data: Template[] }>(
    '/api/v1/whatsapp/templates',
    undefined,
    signal,
  );
  return answer.data;
}

export function useTemplates() {
  return useQuery(
    queryOptions({
      queryKey: [...queryKeys.whatsappTemplates, allTemplates],
      queryFn: ({ signal }) => getTemplates(signal),
    }),
  );
}
