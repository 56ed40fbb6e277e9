import {
  Badge,
  Box,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  Skeleton,
  Stack,
  Text,
} from '@mantine/core';
import { IconMessageCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useLayoutEffect, useRef } from 'react';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { SectionCard } from '@/components/section-card';
import { formatDate, formatDateTime, formatRelative } from '@/lib/format';
import { useWorkspaceEvent } from '@/lib/realtime/context';
import { contactQueryKey, type Contact } from '../api/get-contact';
import { useContactMessages } from '../api/get-contact-messages';
import { useNow } from '../hooks/use-now';
import { MessageBubble } from './message-bubble';

/** Earlier messages are fetched when the list is scrolled this close to its top. */
const loadEarlierWithinPx = 120;

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Free-form messages may be sent until 24 hours after the contact last wrote. */
function WindowIndicator({ openUntil }: { openUntil: string | null }) {
  const now = useNow();
  const open = openUntil !== null && new Date(openUntil) > now;
  return open ? (
    <Badge color="teal" variant="light" title={formatDateTime(openUntil)}>
      24-hour window open until {timeFormat.format(new Date(openUntil))} (
      {formatRelative(openUntil, now)})
    </Badge>
  ) : (
    <Badge color="gray" variant="light">
      24-hour window closed: only templates can be sent
    </Badge>
  );
}

function dayOf(iso: string): string {
  return new Date(iso).toDateString();
}

/** The conversation with the contact, oldest at the top; scrolling up loads earlier messages. */
export function Conversation({ contact }: { contact: Contact }) {
  const messages = useContactMessages(contact.id);
  const queryClient = useQueryClient();
  // New messages and status changes of this contact arrive live: the server names the contacts
  // whose conversation changed.
  useWorkspaceEvent('inbox.updated', (data) => {
    const ids = (data as { contacts?: unknown } | null)?.contacts;
    if (Array.isArray(ids) && ids.includes(contact.id)) {
      void queryClient.invalidateQueries({ queryKey: contactQueryKey(contact.id) });
    }
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  // Where the list stood before earlier messages were put above it, to keep the view still.
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const scrolledToEnd = useRef(false);
  const list = [...(messages.data?.pages.flatMap((page) => page.data) ?? [])].reverse();

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element || list.length === 0) return;
    if (!scrolledToEnd.current) {
      scrolledToEnd.current = true;
      element.scrollTop = element.scrollHeight;
    } else if (anchor.current) {
      element.scrollTop = element.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    }
  }, [list.length]);

  const loadEarlier = () => {
    const element = scrollRef.current;
    if (!messages.hasNextPage || messages.isFetchingNextPage) return;
    if (element) anchor.current = { height: element.scrollHeight, top: element.scrollTop };
    void messages.fetchNextPage();
  };

  let body;
  if (messages.isPending) {
    body = (
      <Stack gap="sm" aria-busy="true" aria-label="Loading">
        {[60, 45, 70].map((width, index) => (
          <Group key={width} justify={index % 2 ? 'flex-end' : 'flex-start'}>
            <Skeleton height={36} width={`${width}%`} radius="md" />
          </Group>
        ))}
      </Stack>
    );
  } else if (messages.isError && list.length === 0) {
    body = (
      <ErrorState
        title="Couldn't load the conversation"
        error={messages.error}
        onRetry={() => void messages.refetch()}
        retrying={messages.isFetching}
      />
    );
  } else if (list.length === 0) {
    body = (
      <EmptyState
        icon={<IconMessageCircle size={26} aria-hidden />}
        title="No messages yet"
        description="Messages this contact sends, and those campaigns send them, appear here."
      />
    );
  } else {
    body = (
      <Box
        ref={scrollRef}
        h={520}
        style={{ overflowY: 'auto' }}
        onScroll={(event) => {
          if (event.currentTarget.scrollTop < loadEarlierWithinPx) loadEarlier();
        }}
      >
        {messages.hasNextPage && (
          <Center py="xs">
            {messages.isFetchingNextPage ? (
              <Loader size="sm" aria-label="Loading earlier messages" />
            ) : (
              <Button variant="subtle" size="xs" onClick={loadEarlier}>
                Load earlier messages
              </Button>
            )}
          </Center>
        )}
        <Stack
          component="ol"
          gap={6}
          aria-label="Messages"
          role="log"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
        >
          {list.map((message, index) => {
            const newDay =
              index === 0 || dayOf(list[index - 1]!.created_at) !== dayOf(message.created_at);
            return (
              <Fragment key={message.id}>
                {newDay && (
                  <Divider
                    component="li"
                    label={formatDate(message.created_at)}
                    labelPosition="center"
                    my={4}
                    aria-hidden
                  />
                )}
                <MessageBubble message={message} />
              </Fragment>
            );
          })}
        </Stack>
      </Box>
    );
  }

  return (
    <SectionCard
      title="Conversation"
      description={
        contact.last_inbound_at
          ? `Last message from them ${formatRelative(contact.last_inbound_at)}.`
          : 'They have not written yet.'
      }
      actions={<WindowIndicator openUntil={contact.window_open_until} />}
    >
      {body}
      <Text size="xs" c="dimmed">
        Times are shown in your time zone.
      </Text>
    </SectionCard>
  );
}
