import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import type { CreatedToken } from '../api/create-token';

interface TokenSecretModalProps {
  /** The creation answer; null once dismissed, which is what makes the secret gone for good. */
  created: CreatedToken | null;
  onDone: () => void;
}

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * Shows a new token's secret, the one time it exists outside the server's hash. The modal
 * closes only through "Done" so that a stray click or Escape cannot lose the secret.
 */
export function TokenSecretModal({ created, onDone }: TokenSecretModalProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  const copy = async () => {
    if (!created) return;
    try {
      // The clipboard API exists only in secure contexts; plain-HTTP installs fall back to
      // selecting the text for the person to copy.
      await navigator.clipboard.writeText(created.secret);
      setCopyState('copied');
    } catch {
      inputRef.current?.select();
      setCopyState('manual');
    }
  };

  const done = () => {
    setCopyState('idle');
    onDone();
  };

  return (
    <Modal
      opened={created !== null}
      onClose={done}
      title="Copy your new API token"
      centered
      size="lg"
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
    >
      {created && (
        <Stack gap="md">
          <Alert
            color="yellow"
            variant="light"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="This is the only time you will see this token"
          >
            Copy it now and store it somewhere safe, such as a password manager or your CI&apos;s
            secrets. Kirim keeps only a hash; if you lose it, revoke it and create a new one.
          </Alert>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              ref={inputRef}
              label="Token secret"
              description={`“${created.token.name}”, acting as ${created.token.user.name}.`}
              value={created.secret}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              style={{ flex: 1 }}
            />
            <Button
              variant={copyState === 'copied' ? 'filled' : 'light'}
              color={copyState === 'copied' ? 'teal' : undefined}
              leftSection={
                copyState === 'copied' ? (
                  <IconCheck size={16} aria-hidden />
                ) : (
                  <IconCopy size={16} aria-hidden />
                )
              }
              onClick={() => void copy()}
            >
              {copyState === 'copied' ? 'Copied' : 'Copy'}
            </Button>
          </Group>
          {copyState === 'manual' && (
            <Text size="sm" c="dimmed" role="status">
              This browser blocked the clipboard. The token is selected: press Ctrl+C (⌘C on a Mac).
            </Text>
          )}
          <Group justify="flex-end">
            <Button onClick={done}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
