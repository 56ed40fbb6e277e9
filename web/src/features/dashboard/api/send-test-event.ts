import { useMutation } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';

export interface SendTestEventInput {
  /** Up to 200 characters; the server says "Hello from Kirim" without one. */
  message?: string;
}

export interface SendTestEventResult {
  channel: string;
  event: string;
}

/** POST /api/v1/realtime/test-event (owner or admin): broadcasts `test.event` to the workspace. */
export function sendTestEvent(input: SendTestEventInput): Promise<SendTestEventResult> {
  const message = input.message?.trim();
  return apiClient.post<SendTestEventResult>(
    '/api/v1/realtime/test-event',
    message ? { message } : {},
  );
}

export function useSendTestEvent() {
  return useMutation({ mutationFn: sendTestEvent });
}
