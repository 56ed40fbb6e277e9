import { useDocumentTitle } from '@mantine/hooks';
import { OutgoingWebhooksSettings } from '@/features/outgoing-webhooks/components/outgoing-webhooks-settings';
import { useSignedInMe } from '@/lib/auth';

export function OutgoingWebhooksRoute() {
  useDocumentTitle('Outgoing webhooks · Settings · Kirim');
  return <OutgoingWebhooksSettings me={useSignedInMe()} />;
}
