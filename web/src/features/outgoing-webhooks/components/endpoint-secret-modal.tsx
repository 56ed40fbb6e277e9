import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { EndpointWithSecret } from '../api/create-endpoint';
import { CopyField } from '@/components/copy-field';

interface EndpointSecretModalProps {
  /** The answer of a creation or a rotation; null once dismissed, and the secret is gone. */
  shown: EndpointWithSecret | null;
  /** "created" or "rotated": what the title says happened. */
  reason: 'created' | 'rotated';
  onDone: () => void;
}

/**
 * The endpoint's signing secret, the one time it leaves the server. Only "Done" closes it, so
 * that a stray click or Escape cannot lose the secret.
 */
export function EndpointSecretModal({ shown, reason, onDone }: EndpointSecretModalProps) {
  return (
    <Modal
      opened={shown !== null}
      onClose={onDone}
      title={reason === 'created' ? 'Endpoint added: copy its secret' : 'Copy the new secret'}
      centered
      size="lg"
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
    >
      {shown && (
        <Stack gap="md">
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="This is the only time you will see this secret"
          >
            Store it where the receiver can read it. Kirim keeps it encrypted and never shows it
            again; if it is lost, rotate it to get a new one.
            {reason === 'rotated' && ' The old secret no longer signs anything.'}
          </Alert>
          <CopyField
            label="Signing secret"
            value={shown.secret}
            description={`For ${shown.endpoint.url}`}
          />
          <Text size="sm" c="dimmed">
            Each delivery carries <Code>X-Kirim-Signature: t=…,v1=…</Code>: the hex HMAC-SHA256 of{' '}
            <Code>{'<t>.<raw body>'}</Code> with this secret as the key. Compare it in constant time
            and refuse old timestamps.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onDone}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
