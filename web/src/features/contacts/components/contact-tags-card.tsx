import { Text } from '@mantine/core';
import { useState } from 'react';
import { SectionCard } from '@/components/section-card';
import type { Contact } from '../api/get-contact';
import { useUpdateContact } from '../api/update-contact';
import { TagBadges } from './tag-badges';
import { TagInput } from './tag-input';

interface ContactTagsCardProps {
  contact: Contact;
  editable: boolean;
  suggestions: string[];
}

/** The contact's tags, added and removed in place; each change is saved at once. */
export function ContactTagsCard({ contact, editable, suggestions }: ContactTagsCardProps) {
  const update = useUpdateContact();
  // What the input shows: the saved tags, or the change on its way to the server.
  const [draft, setDraft] = useState(contact.tags);
  const [saved, setSaved] = useState(contact.tags);
  if (saved !== contact.tags) {
    setSaved(contact.tags);
    setDraft(contact.tags);
  }

  return (
    <SectionCard title="Tags" description="Tags group contacts for filters and campaigns.">
      {editable ? (
        <TagInput
          aria-label="Tags"
          placeholder={draft.length === 0 ? 'Add a tag' : undefined}
          value={draft}
          suggestions={suggestions.filter((tag) => !draft.includes(tag))}
          error={update.error?.message ?? null}
          onChange={(tags) => {
            setDraft(tags);
            update.mutate({ id: contact.id, tags }, { onError: () => setDraft(contact.tags) });
          }}
        />
      ) : contact.tags.length > 0 ? (
        <TagBadges tags={contact.tags} max={50} />
      ) : (
        <Text size="sm" c="dimmed">
          No tags.
        </Text>
      )}
    </SectionCard>
  );
}
