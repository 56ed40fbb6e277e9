import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { type Schedule, schedulesQueryKey } from './get-schedules';

export interface ScheduleChanges {
  enabled?: boolean;
  cron?: string;
  timezone?: string;
}

/**
 * PATCH /api/v1/schedules/{name} (owner, admin): `validation_failed` with `details.cron` or
 * `details.timezone` for an expression or a zone the server cannot use.
 */
export function updateSchedule(name: string, changes: ScheduleChanges): Promise<Schedule> {
  return apiClient.patch<Schedule>(`/api/v1/schedules/${encodeURIComponent(name)}`, changes);
}

export function useUpdateSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, changes }: { name: string; changes: ScheduleChanges }) =>
      updateSchedule(name, changes),
    onSuccess: (updated) => {
      queryClient.setQueryData<Schedule[]>(schedulesQueryKey, (shown) =>
        shown?.map((schedule) => (schedule.name === updated.name ? updated : schedule)),
      );
    },
  });
}
