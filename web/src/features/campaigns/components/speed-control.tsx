import { Button, Group, NumberInput, Popover, Slider, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconGauge } from '@tabler/icons-react';
import { useState } from 'react';
import { useChangeSpeed } from '../api/change-speed';
import type { Campaign } from '../api/get-campaign';
import { formatMps } from '../lib/progress';

/** The engine's own bounds for a campaign's speed. */
export const minSpeedMps = 1;
export const maxSpeedMps = 1000;

/**
 * The speed button: a popover with a slider up to what the senders allow. The campaign shows
 * the new speed once the server answered with it.
 */
export function SpeedControl({ campaign, maxSpeed }: { campaign: Campaign; maxSpeed: number }) {
  const [opened, setOpened] = useState(false);
  // What the number input holds, which may be empty or out of range while typing.
  const [typed, setTyped] = useState<string | number>(campaign.speed_mps);
  const change = useChangeSpeed();
  const max = Math.max(minSpeedMps, Math.min(maxSpeedMps, maxSpeed));
  const speed =
    typeof typed === 'number' ? Math.max(minSpeedMps, Math.min(max, Math.round(typed))) : null;

  const open = () => {
    setTyped(Math.min(campaign.speed_mps, max));
    change.reset();
    setOpened(true);
  };

  const apply = () => {
    if (speed === null) return;
    change.mutate(
      { id: campaign.id, speed_mps: speed },
      {
        onSuccess: (updated) => {
          setOpened(false);
          notifications.show({ message: `Speed set to ${formatMps(updated.speed_mps)}.` });
        },
      },
    );
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      position="bottom-end"
      width={300}
      trapFocus
      withArrow
    >
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconGauge size={16} aria-hidden />}
          onClick={() => (opened ? setOpened(false) : open())}
          loading={change.isPending}
          aria-expanded={opened}
        >
          Speed: {formatMps(campaign.speed_mps)}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="sm" role="group" aria-label="Change the speed">
          <Text size="sm" fw={600}>
            Messages per second
          </Text>
          <Slider
            min={minSpeedMps}
            max={max}
            value={speed ?? minSpeedMps}
            onChange={setTyped}
            label={(value) => formatMps(value)}
            thumbLabel="Speed in messages per second"
          />
          <NumberInput
            aria-label="Speed in messages per second"
            min={minSpeedMps}
            max={max}
            value={typed}
            onChange={setTyped}
            suffix=" /s"
            clampBehavior="strict"
          />
          <Text size="xs" c="dimmed">
            Up to {formatMps(max)}, what the senders allow together. Takes effect with the next
            message.
          </Text>
          {change.error && (
            <Text size="sm" c="red" role="alert">
              {change.error.message}
            </Text>
          )}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="xs" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button
              size="xs"
              onClick={apply}
              loading={change.isPending}
              disabled={speed === null || speed === campaign.speed_mps}
            >
              Apply speed
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
