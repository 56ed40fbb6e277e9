import { Group, Kbd, Text } from '@mantine/core';

/** Renders `["g", "d"]` as "g then d", the order the keys are pressed in. */
export function ShortcutKeys({
  keys,
  size = 'sm',
}: {
  keys: readonly string[];
  size?: 'xs' | 'sm';
}) {
  return (
    <Group gap={4} wrap="nowrap" aria-label={keys.join(' then ')}>
      {keys.map((key, index) => (
        <Group key={index} gap={4} wrap="nowrap" aria-hidden>
          {index > 0 && (
            <Text span size="xs" c="dimmed">
              then
            </Text>
          )}
          <Kbd size={size}>{key}</Kbd>
        </Group>
      ))}
    </Group>
  );
}
