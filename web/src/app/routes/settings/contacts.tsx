import { useDocumentTitle } from '@mantine/hooks';
import { FieldsSettings } from '@/features/contacts/components/fields-settings';
import { TagsSettings } from '@/features/contacts/components/tags-settings';
import { useSignedInMe } from '@/lib/auth';

export function FieldsRoute() {
  useDocumentTitle('Contact fields · Settings · Kirim');
  return <FieldsSettings me={useSignedInMe()} />;
}

export function TagsRoute() {
  useDocumentTitle('Tags · Settings · Kirim');
  return <TagsSettings me={useSignedInMe()} />;
}
