import { Button, Group, Text, TextInput } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { type ReactNode, useRef, useState } from 'react';
import { copyToClipboard } from '@/lib/clipboard';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * A value to paste elsewhere (a webhook URL into Meta's dashboard, a signing secret into a
 * receiver), read-only, with a Copy button. The clipboard API exists only in secure contexts; on
 * plain HTTP the text is selected for the person to copy instead.
 */
export function CopyField({
  label,
  value,
  description,
}: {
  label: string;
  value: string;
  description?: ReactNode;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<CopyState>('idle');

  const copy = async () => {
    if (await copyToClipboard(value)) setState('copied');
    else {
      inputRef.current?.select();
      setState('manual');
    }
  };

  return (
    <div>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          ref={inputRef}
          label={label}
          description={description}
          value={value}
          readOnly
          onFocus={(event) => event.currentTarget.select()}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          style={{ flex: 1, minWidth: 0 }}
        />
        <Button
          variant={state === 'copied' ? 'filled' : 'default'}
          color={state === 'copied' ? 'teal' : undefined}
          leftSection={
            state === 'copied' ? (
              <IconCheck size={16} aria-hidden />
            ) : (
              <IconCopy size={16} aria-hidden />
            )
          }
          aria-label={`Copy ${label}`}
          onClick={() => void copy()}
        >
          {state === 'copied' ? 'Copied' : 'Copy'}
        </Button>
      </Group>
      {state === 'manual' && (
        <Text size="xs" c="dimmed" role="status" mt={4}>
          This browser blocked the clipboard. The text is selected: press Ctrl+C (⌘C on a Mac).
        </Text>
      )}
    </div>
  );
}
