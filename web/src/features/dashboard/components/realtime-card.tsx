import { Badge, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBroadcast } from '@tabler/icons-react';
import { FormErrorAlert } from '@/components/form-error-alert';
import { SectionCard } from '@/components/section-card';
import type { Me } from '@/lib/auth';
import { canManageWorkspace } from '@/lib/authorization';
import { formatTime } from '@/lib/format';
import { useServerFormErrors } from '@/lib/form-errors';
import { useRealtime } from '@/lib/realtime/context';
import { realtimeStatusDescriptions, type RealtimeStatus } from '@/lib/realtime/state';
import { useSendTestEvent } from '../api/send-test-event';
import { useReceivedTestEvents } from '../hooks/use-received-test-events';

const maxMessageLength = 200;

const statusBadges: Record<RealtimeStatus, { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'teal' },
  connecting: { label: 'Connecting', color: 'yellow' },
  unavailable: { label: 'Unavailable', color: 'gray' },
};

function SendTestEventForm() {
  const send = useSendTestEvent();
  const form = useForm({
    mode: 'controlled',
    initialValues: { message: '' },
    validate: {
      message: (value) =>
        value.trim().length > maxMessageLength
          ? `Keep it under ${maxMessageLength} characters`
          : null,
    },
  });
  const serverErrors = useServerFormErrors(form, ['message']);

  const submit = form.onSubmit((values) => {
    serverErrors.clear();
    send.mutate(
      { message: values.message },
      { onSuccess: () => form.reset(), onError: serverErrors.show },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Send a test event">
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Test message"
            placeholder="Hello from Kirim"
            maxLength={maxMessageLength}
            style={{ flex: '1 1 240px' }}
            {...form.getInputProps('message')}
          />
          <Button
            type="submit"
            loading={send.isPending}
            leftSection={<IconBroadcast size={16} aria-hidden />}
          >
            Send test event
          </Button>
        </Group>
        <FormErrorAlert message={serverErrors.formError} />
      </Stack>
    </form>
  );
}

/**
 * The realtime connection at a glance: its state, a test event for owners and admins, and the
 * test events this page received (every member receives them).
 */
export function RealtimeCard({ me }: { me: Me }) {
  const { state } = useRealtime();
  const received = useReceivedTestEvents();
  const badge = statusBadges[state.status];

  return (
    <SectionCard
      title="Realtime"
      description={realtimeStatusDescriptions[state.status]}
      actions={
        <Badge color={badge.color} variant="light">
          {badge.label}
        </Badge>
      }
    >
      {canManageWorkspace(me.role) && <SendTestEventForm />}
      <div>
        <Text size="sm" fw={600} mb={6}>
          Received events
        </Text>
        {received.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing yet. Test events show up here and as a notification on every open page of this
            workspace.
          </Text>
        ) : (
          <Stack
            component="ul"
            gap={6}
            aria-label="Received events"
            style={{ listStyle: 'none', padding: 0, margin: 0 }}
          >
            {received.map(({ id, receivedAt, event }) => (
              <Group key={id} component="li" gap="sm" wrap="nowrap" align="baseline">
                <Text
                  size="xs"
                  c="dimmed"
                  component="time"
                  dateTime={receivedAt}
                  style={{ flex: 'none', fontVariantNumeric: 'tabular-nums' }}
                >
                  {formatTime(receivedAt)}
                </Text>
                <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                  <strong>{event.sent_by}</strong>: {event.message}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </div>
    </SectionCard>
  );
}
