import { Anchor, Button, List, Paper, Stack, ThemeIcon } from '@mantine/core';
import { IconCheck, IconCircleDashed, IconSpeakerphone } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { usePhoneNumbers } from '../api/get-phone-numbers';
import { useSampleContact } from '../api/get-sample-contact';
import { useTemplates } from '../api/get-templates';

const everyone = {};

function Requirement({
  done,
  children,
}: {
  /** Null while it is being checked. */
  done: boolean | null;
  children: ReactNode;
}) {
  return (
    <List.Item
      icon={
        <ThemeIcon size={20} radius="xl" color={done ? 'teal' : 'gray'} variant="light">
          {done ? (
            <IconCheck size={14} aria-label="Done" />
          ) : (
            <IconCircleDashed size={14} aria-label="To do" />
          )}
        </ThemeIcon>
      }
    >
      {children}
    </List.Item>
  );
}

/** No campaign yet: what one needs, each with where to get it and whether it is there. */
export function CampaignsEmptyState({ editable }: { editable: boolean }) {
  const numbers = usePhoneNumbers();
  const templates = useTemplates();
  const contact = useSampleContact(everyone);
  const hasNumber = numbers.data ? numbers.data.length > 0 : null;
  const hasTemplate = templates.data
    ? templates.data.some((template) => template.status === 'APPROVED')
    : null;
  const hasContacts = contact.data !== undefined ? contact.data !== null : null;

  return (
    <Paper withBorder radius="md" p="xl">
      <EmptyState
        icon={<IconSpeakerphone size={26} aria-hidden />}
        title="No campaigns yet"
        description="A campaign sends one WhatsApp message to many contacts at a speed you choose, and shows every delivery and read as it happens. It needs:"
        action={
          <Stack gap="sm" align="center">
            <List spacing={6} ta="left" size="sm" aria-label="What a campaign needs">
              <Requirement done={hasNumber}>
                a connected phone number:{' '}
                <Anchor component={Link} to="/settings/whatsapp" size="sm">
                  Settings → WhatsApp
                </Anchor>
              </Requirement>
              <Requirement done={hasTemplate}>
                an approved message template:{' '}
                <Anchor component={Link} to="/templates" size="sm">
                  Templates
                </Anchor>
              </Requirement>
              <Requirement done={hasContacts}>
                contacts who opted in:{' '}
                <Anchor component={Link} to="/contacts" size="sm">
                  Contacts
                </Anchor>
              </Requirement>
            </List>
            {editable && (
              <Button component={Link} to="/campaigns/new">
                New campaign
              </Button>
            )}
          </Stack>
        }
      />
    </Paper>
  );
}
