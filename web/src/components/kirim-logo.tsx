import { Group, type GroupProps, Text } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';

const iconSizes = { lg: 22, xl: 28 } as const;

interface KirimLogoProps extends Omit<GroupProps, 'children' | 'gap'> {
  size: keyof typeof iconSizes;
}

/** The product name with its paper-plane mark, as the header and the login page show it. */
export function KirimLogo({ size, ...groupProps }: KirimLogoProps) {
  return (
    <Group gap={8} {...groupProps}>
      <IconSend size={iconSizes[size]} color="var(--mantine-color-teal-7)" aria-hidden />
      <Text fw={750} size={size}>
        Kirim
      </Text>
    </Group>
  );
}
