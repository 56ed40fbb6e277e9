import { useDocumentTitle } from '@mantine/hooks';
import { WhatsAppSettings } from '@/features/whatsapp/components/whatsapp-settings';
import { WebhookLogSettings } from '@/features/whatsapp/components/webhook-log';
import { useSignedInMe } from '@/lib/auth';

export function WhatsAppRoute() {
  useDocumentTitle('WhatsApp · Settings · Kirim');
  return <WhatsAppSettings me={useSignedInMe()} />;
}

export function WebhookLogRoute() {
  useDocumentTitle('Webhook log · Settings · Kirim');
  return <WebhookLogSettings me={useSignedInMe()} />;
}
