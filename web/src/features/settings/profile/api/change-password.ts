import { useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';

export interface ChangePasswordInput {
  current_password: string;
  new_password: string;
}

/**
 * POST /api/v1/me/password: 204 and the user's other sessions end; 400 validation_failed when
 * the current password is wrong or the new one is too short.
 */
export async function changePassword(input: ChangePasswordInput): Promise<void> {
  await apiClient.post<void>('/api/v1/me/password', input);
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
