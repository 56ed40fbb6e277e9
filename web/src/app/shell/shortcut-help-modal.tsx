import { Modal, Stack, Table, Text, Title } from '@mantine/core';
import type { Command } from '@/lib/commands/registry';
import { ShortcutKeys } from './shortcut-keys';

interface ShortcutHelpModalProps<Context> {
  opened: boolean;
  onClose: () => void;
  commands: Command<Context>[];
}

/** Lists every registered command; it reads the registry, so it is never out of date. */
export function ShortcutHelpModal<Context>({
  opened,
  onClose,
  commands,
}: ShortcutHelpModalProps<Context>) {
  const groups = new Map<string, Command<Context>[]>();
  for (const command of commands) {
    groups.set(command.group, [...(groups.get(command.group) ?? []), command]);
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" centered>
      <Stack gap="lg">
        {[...groups].map(([group, groupCommands]) => (
          <div key={group}>
            <Title order={3} size="h6" c="dimmed" tt="uppercase" mb={4}>
              {group}
            </Title>
            <Table withRowBorders={false} verticalSpacing={6}>
              <Table.Tbody>
                {groupCommands.map((command) => (
                  <Table.Tr key={command.id}>
                    <Table.Td>
                      <Text size="sm">{command.label}</Text>
                    </Table.Td>
                    <Table.Td w={130}>
                      <ShortcutKeys keys={command.shortcut} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        ))}
        <Text size="xs" c="dimmed">
          Shortcuts are off while you type in a field.
        </Text>
      </Stack>
    </Modal>
  );
}
