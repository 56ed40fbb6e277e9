import { notifications } from '@mantine/notifications';
import { IconBroadcast } from '@tabler/icons-react';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import { describeTestEvent, parseTestEvent, testEventName } from '@/lib/realtime/test-event';

/** Shows a notification on whatever page is open when a `test.event` arrives. */
export function TestEventNotifications() {
  useWorkspaceEvent(testEventName, (data) => {
    const event = parseTestEvent(data);
    if (!event) return;
    notifications.show({
      title: 'Realtime',
      message: describeTestEvent(event),
      color: 'grape',
      icon: <IconBroadcast size={18} aria-hidden />,
      autoClose: 8000,
      closeButtonProps: { 'aria-label': 'Dismiss notification' },
    });
  });
  return null;
}
