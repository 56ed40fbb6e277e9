import { Anchor, SimpleGrid, Text } from '@mantine/core';
import { Link } from 'react-router';
import { SectionCard } from '@/components/section-card';
import type { Contact } from '../api/get-contact';
import type { ContactField } from '../api/get-contact-fields';
import { EditableField } from './editable-field';

interface ContactFieldsCardProps {
  contact: Contact;
  fields: ContactField[];
  editable: boolean;
  /** Admins define fields; others are told who does. */
  canDefineFields: boolean;
}

export function ContactFieldsCard({
  contact,
  fields,
  editable,
  canDefineFields,
}: ContactFieldsCardProps) {
  return (
    <SectionCard title="Custom fields" description="What else you know about this contact.">
      {fields.length === 0 ? (
        <Text size="sm" c="dimmed">
          {canDefineFields ? (
            <>
              No custom fields yet.{' '}
              <Anchor component={Link} to="/settings/fields">
                Define fields
              </Anchor>{' '}
              such as city, birthday or plan to keep them for every contact.
            </>
          ) : (
            'No custom fields yet. Owners and admins define them in Settings.'
          )}
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="md" verticalSpacing="md">
          {fields.map((field) => (
            <EditableField key={field.id} contact={contact} field={field} editable={editable} />
          ))}
        </SimpleGrid>
      )}
    </SectionCard>
  );
}
