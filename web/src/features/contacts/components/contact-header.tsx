import { Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconClock, IconLanguage, IconMapPin, IconPhone, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { countryFlag, countryName } from '@/lib/countries';
import { formatDateTime } from '@/lib/format';
import type { Contact } from '../api/get-contact';
import { useNow } from '../hooks/use-now';
import { contactDisplayName, contactPhone } from '../utils/contact-name';
import { languageName, localTime } from '../utils/locale';

function Fact({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <Group gap={6} wrap="nowrap" aria-label={label} role="group">
      {icon}
      <Text size="sm">{children}</Text>
    </Group>
  );
}

interface ContactHeaderProps {
  contact: Contact;
  onDelete: (() => void) | null;
}

/** Who the contact is: name, number, where they are, their local time and language. */
export function ContactHeader({ contact, onDelete }: ContactHeaderProps) {
  const now = useNow();
  const time = contact.timezone ? localTime(contact.timezone, now) : null;
  const hasName = (contact.name?.trim() ?? '') !== '';

  return (
    <Paper withBorder radius="md" p="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={6} style={{ minWidth: 0 }}>
          <Title order={1} size="h2">
            {contactDisplayName(contact)}
          </Title>
          <Group gap="lg" wrap="wrap">
            {hasName && (
              <Fact icon={<IconPhone size={16} aria-hidden />} label="Phone">
                <span style={{ fontVariantNumeric: 'tabular-nums' }}>{contactPhone(contact)}</span>
              </Fact>
            )}
            {contact.country && (
              <Fact icon={<IconMapPin size={16} aria-hidden />} label="Country">
                <span aria-hidden>{countryFlag(contact.country)} </span>
                {countryName(contact.country)}
              </Fact>
            )}
            {contact.timezone && (
              <Fact icon={<IconClock size={16} aria-hidden />} label="Local time">
                {time ? `${time} · ` : ''}
                {contact.timezone}
              </Fact>
            )}
            {contact.language && (
              <Fact icon={<IconLanguage size={16} aria-hidden />} label="Language">
                {languageName(contact.language)}
              </Fact>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            Added {formatDateTime(contact.created_at)} · updated{' '}
            {formatDateTime(contact.updated_at)}
          </Text>
        </Stack>
        {onDelete && (
          <Tooltip label="Delete this contact and their conversation">
            <Button
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={onDelete}
            >
              Delete contact
            </Button>
          </Tooltip>
        )}
      </Group>
    </Paper>
  );
}
