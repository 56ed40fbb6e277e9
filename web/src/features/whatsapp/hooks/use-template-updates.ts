import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '@/lib/query-keys';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import { templateStatusStyle } from '../lib/labels';

/** Sent on the workspace channel when Meta's review (or a sync) changes a template. */
export const templateUpdatedEvent = 'template.updated';

function describeUpdate(data: unknown): string | null {
  if (data === null || typeof data !== 'object') return null;
  const { name, status } = data as Record<string, unknown>;
  if (typeof name !== 'string' || typeof status !== 'string') return null;
  return `${name} is now ${templateStatusStyle(status).label.toLowerCase()}.`;
}

/**
 * Keeps the template lists current: status changes arrive by webhook while the page is open.
 * The payload is only a hint; the lists are refetched from the server.
 */
export function useTemplateUpdates(): void {
  const queryClient = useQueryClient();
  useWorkspaceEvent(templateUpdatedEvent, (data) => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.whatsappTemplates });
    const message = describeUpdate(data);
    if (message) notifications.show({ color: 'blue', title: 'Template updated', message });
  });
}
