import { Anchor, Button, Grid, Group, Paper, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowLeft, IconUserQuestion } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { CardSkeleton } from '@/components/skeletons';
import { isApiError } from '@/lib/api-client';
import type { Me } from '@/lib/auth';
import { canEditContacts, canManageContactFields } from '@/lib/authorization';
import { useContact } from '../api/get-contact';
import { useContactFields } from '../api/get-contact-fields';
import { useTags } from '../api/get-tags';
import { ContactConsentCard } from './contact-consent-card';
import { ContactFieldsCard } from './contact-fields-card';
import { ContactHeader } from './contact-header';
import { ContactTagsCard } from './contact-tags-card';
import { Conversation } from './conversation';
import { DeleteContactModal } from './delete-contact-modal';

function BackLink() {
  return (
    <Anchor component={Link} to="/contacts" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        Contacts
      </Group>
    </Anchor>
  );
}

/** One contact: who they are, their consent, tags, custom fields and the conversation. */
export function ContactPage({ me, contactId }: { me: Me; contactId: number }) {
  const navigate = useNavigate();
  const contact = useContact(contactId);
  const fields = useContactFields();
  const tags = useTags();
  const [deleteOpened, deleteModal] = useDisclosure(false);
  const editable = canEditContacts(me.role);

  if (contact.isPending) {
    return (
      <Stack gap="md">
        <BackLink />
        <CardSkeleton lines={2} />
        <Grid>
          <Grid.Col span={{ base: 12, md: 5 }}>
            <CardSkeleton />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <CardSkeleton lines={6} />
          </Grid.Col>
        </Grid>
      </Stack>
    );
  }
  if (contact.isError) {
    return (
      <Stack gap="md">
        <BackLink />
        {isApiError(contact.error) && contact.error.status === 404 ? (
          <Paper withBorder radius="md" p="xl">
            <EmptyState
              icon={<IconUserQuestion size={26} aria-hidden />}
              title="This contact does not exist"
              description="It may have been deleted, or the link points to another workspace."
              action={
                <Button component={Link} to="/contacts" variant="light">
                  Back to contacts
                </Button>
              }
            />
          </Paper>
        ) : (
          <ErrorState
            title="Couldn't load this contact"
            error={contact.error}
            onRetry={() => void contact.refetch()}
            retrying={contact.isFetching}
          />
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <BackLink />
      <ContactHeader contact={contact.data} onDelete={editable ? deleteModal.open : null} />
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <ContactConsentCard contact={contact.data} editable={editable} />
            <ContactTagsCard
              contact={contact.data}
              editable={editable}
              suggestions={(tags.data ?? []).map((tag) => tag.name)}
            />
            <ContactFieldsCard
              contact={contact.data}
              fields={fields.data ?? []}
              editable={editable}
              canDefineFields={canManageContactFields(me.role)}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Conversation contact={contact.data} />
        </Grid.Col>
      </Grid>
      {editable && (
        <DeleteContactModal
          contact={contact.data}
          opened={deleteOpened}
          onClose={deleteModal.close}
          onDeleted={() => void navigate('/contacts', { replace: true })}
        />
      )}
    </Stack>
  );
}
