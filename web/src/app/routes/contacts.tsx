import { useDocumentTitle } from '@mantine/hooks';
import { useParams } from 'react-router';
import { ContactPage } from '@/features/contacts/components/contact-page';
import { ContactsPage } from '@/features/contacts/components/contacts-page';
import { ImportPage } from '@/features/contacts/components/import-page';
import { useSignedInMe } from '@/lib/auth';
import { NotFoundRoute } from './not-found';

/** A positive integer id from the URL, or null for anything else (which is a 404). */
function idParam(value: string | undefined): number | null {
  return value !== undefined && /^[1-9]\d{0,15}$/.test(value) ? Number(value) : null;
}

export function ContactsRoute() {
  useDocumentTitle('Contacts · Kirim');
  return <ContactsPage me={useSignedInMe()} />;
}

export function ContactRoute() {
  useDocumentTitle('Contact · Kirim');
  const me = useSignedInMe();
  const contactId = idParam(useParams().contactId);
  if (contactId === null) return <NotFoundRoute />;
  // Keyed by id: another contact's page starts with fresh local state (drafts, scroll).
  return <ContactPage key={contactId} me={me} contactId={contactId} />;
}

export function ImportRoute() {
  useDocumentTitle('Import contacts · Kirim');
  const me = useSignedInMe();
  const { importId } = useParams();
  const id = idParam(importId);
  if (importId !== undefined && id === null) return <NotFoundRoute />;
  return <ImportPage me={me} importId={id} />;
}
