import { Button, Group, Skeleton, Stack, Text, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconCircleX, IconHelpCircle } from '@tabler/icons-react';
import { SectionCard } from '@/components/section-card';
import { FormErrorAlert } from '@/components/form-error-alert';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { ConsentState, Contact } from '../api/get-contact';
import { useContactConsent } from '../api/get-contact-consent';
import { useUpdateContact } from '../api/update-contact';
import { consentColors, consentLabels, consentSourceLabels } from '../utils/consent';
import { contactDisplayName } from '../utils/contact-name';
import { ConsentBadge } from './consent-badge';

const consentIcons: Record<ConsentState, typeof IconCircleCheck> = {
  opted_in: IconCircleCheck,
  opted_out: IconCircleX,
  unknown: IconHelpCircle,
};

function ConsentHistory({ contactId }: { contactId: number }) {
  const history = useContactConsent(contactId);
  if (history.isPending) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label="Loading">
        <Skeleton height={12} width="70%" />
        <Skeleton height={12} width="55%" />
      </Stack>
    );
  }
  if (history.isError) {
    return (
      <Group gap="xs">
        <Text size="sm" c="red">
          Couldn't load the history.
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => void history.refetch()}>
          Try again
        </Button>
      </Group>
    );
  }
  if (history.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No changes recorded yet.
      </Text>
    );
  }
  return (
    <Timeline
      active={history.data.length - 1}
      bulletSize={20}
      lineWidth={2}
      role="list"
      aria-label="Consent history"
    >
      {history.data.map((event, index) => {
        const Icon = consentIcons[event.state];
        return (
          <Timeline.Item
            key={`${event.created_at}-${index}`}
            role="listitem"
            color={consentColors[event.state]}
            bullet={<Icon size={12} aria-hidden />}
            title={consentLabels[event.state]}
          >
            <Text size="xs" c="dimmed" title={formatDateTime(event.created_at)}>
              {formatRelative(event.created_at)} through {consentSourceLabels[event.source]}
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}

/** Whether the contact may receive campaigns, how that came about, and the switch to change it. */
export function ContactConsentCard({ contact, editable }: { contact: Contact; editable: boolean }) {
  const update = useUpdateContact();
  const { state, source, changed_at: changedAt } = contact.consent;

  const change = (consent: ConsentState) =>
    update.mutate(
      { id: contact.id, consent },
      {
        onSuccess: (updated) =>
          notifications.show({
            color: 'teal',
            message: `${contactDisplayName(updated)} is now ${consentLabels[updated.consent.state].toLowerCase()}.`,
          }),
      },
    );

  return (
    <SectionCard
      title="Consent"
      description="Campaigns go only to contacts who opted in."
      actions={
        editable && (
          <Group gap="xs">
            {state !== 'opted_in' && (
              <Button
                size="xs"
                variant="light"
                color="teal"
                loading={update.isPending && update.variables.consent === 'opted_in'}
                disabled={update.isPending}
                onClick={() => change('opted_in')}
              >
                Opt in
              </Button>
            )}
            {state !== 'opted_out' && (
              <Button
                size="xs"
                variant="light"
                color="red"
                loading={update.isPending && update.variables.consent === 'opted_out'}
                disabled={update.isPending}
                onClick={() => change('opted_out')}
              >
                Opt out
              </Button>
            )}
          </Group>
        )
      }
    >
      <Group gap="xs">
        <ConsentBadge state={state} />
        {changedAt && (
          <Text size="sm" c="dimmed" title={formatDateTime(changedAt)}>
            since {formatRelative(changedAt)}
            {source ? ` through ${consentSourceLabels[source]}` : ''}
          </Text>
        )}
      </Group>
      <FormErrorAlert message={update.error?.message ?? null} />
      <ConsentHistory contactId={contact.id} />
    </SectionCard>
  );
}
