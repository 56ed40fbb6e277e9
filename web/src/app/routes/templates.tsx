import { useDocumentTitle } from '@mantine/hooks';
import { NewTemplatePage } from '@/features/whatsapp/components/new-template-page';
import { TemplatesPage } from '@/features/whatsapp/components/templates-page';
import { useSignedInMe } from '@/lib/auth';

export function TemplatesRoute() {
  useDocumentTitle('Templates · Kirim');
  return <TemplatesPage me={useSignedInMe()} />;
}

export function NewTemplateRoute() {
  useDocumentTitle('New template · Templates · Kirim');
  return <NewTemplatePage me={useSignedInMe()} />;
}
