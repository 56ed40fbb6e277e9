import { apiClient } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';
import type { ParameterFormat, Template, TemplateComponent } from './get-templates';

export interface CreateTemplateInput {
  account_id: number;
  name: string;
  language: string;
  category: string;
  parameter_format: ParameterFormat;
  components: TemplateComponent[];
}

/**
 * POST /api/v1/whatsapp/templates (editor+): 201 Template in `PENDING` (Meta reviews it);
 * 400 `validation_failed` naming what breaks a rule; 502 with Meta's error.
 */
export function createTemplate(input: CreateTemplateInput): Promise<Template> {
  return apiClient.post<Template>('/api/v1/whatsapp/templates', input);
}

export function useCreateTemplate() {
  return useInvalidatingMutation(createTemplate, [queryKeys.whatsappTemplates]);
}
