import { Anchor, Badge, Box, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconAlertCircle,
  IconChecks,
  IconCheck,
  IconClock,
  IconFile,
  IconHeadphones,
  IconMapPin,
  IconMovie,
  IconPhoto,
  IconSticker,
  IconTemplate,
  IconUser,
  IconArrowBackUp,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatDateTime } from '@/lib/format';
import type { Message } from '../api/get-contact-messages';
import { type MediaKind, messageView } from '../utils/message-content';

const mediaIcons: Record<MediaKind, typeof IconPhoto> = {
  image: IconPhoto,
  video: IconMovie,
  audio: IconHeadphones,
  document: IconFile,
  sticker: IconSticker,
};

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

function Body({ message }: { message: Message }): ReactNode {
  const view = messageView(message);
  switch (view.kind) {
    case 'text':
      return (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {view.text}
        </Text>
      );
    case 'media': {
      const Icon = mediaIcons[view.media];
      return (
        <Stack gap={4}>
          <Group gap={6} wrap="nowrap">
            <Icon size={18} aria-hidden />
            <Text size="sm" fw={500}>
              {view.label}
            </Text>
          </Group>
          {view.caption && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {view.caption}
            </Text>
          )}
        </Stack>
      );
    }
    case 'location':
      return (
        <Stack gap={2}>
          <Group gap={6} wrap="nowrap">
            <IconMapPin size={18} aria-hidden />
            <Text size="sm" fw={500}>
              {view.name ?? 'Location'}
            </Text>
          </Group>
          {view.address && <Text size="sm">{view.address}</Text>}
          {view.latitude !== null && view.longitude !== null && (
            <Anchor
              size="xs"
              href={`https://www.openstreetmap.org/?mlat=${view.latitude}&mlon=${view.longitude}#map=16/${view.latitude}/${view.longitude}`}
              target="_blank"
              rel="noreferrer"
            >
              Open map ({view.latitude.toFixed(5)}, {view.longitude.toFixed(5)})
            </Anchor>
          )}
        </Stack>
      );
    case 'reaction':
      return (
        <Text size="sm">
          {view.emoji ? (
            <>
              Reacted <span style={{ fontSize: '1.2em' }}>{view.emoji}</span>
            </>
          ) : (
            'Removed a reaction'
          )}
        </Text>
      );
    case 'reply':
      return (
        <Group gap={6} wrap="nowrap">
          <IconArrowBackUp size={16} aria-hidden />
          <Text size="sm">
            Tapped <strong>{view.text}</strong>
          </Text>
        </Group>
      );
    case 'interactive':
      return (
        <Stack gap={6}>
          {view.text && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {view.text}
            </Text>
          )}
          {view.buttons.length > 0 && (
            <Group gap={4}>
              {view.buttons.map((button) => (
                <Badge key={button} variant="outline" tt="none" radius="sm">
                  {button}
                </Badge>
              ))}
            </Group>
          )}
        </Stack>
      );
    case 'template':
      return (
        <Stack gap={4}>
          <Group gap={6} wrap="nowrap">
            <IconTemplate size={16} aria-hidden />
            <Text size="xs" c="dimmed">
              Template {view.name}
              {view.language ? ` (${view.language})` : ''}
            </Text>
          </Group>
          {view.text && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {view.text}
            </Text>
          )}
        </Stack>
      );
    case 'contacts':
      return (
        <Group gap={6} wrap="nowrap">
          <IconUser size={16} aria-hidden />
          <Text size="sm">
            Shared {view.names.length === 1 ? 'a contact' : 'contacts'}
            {view.names.length > 0 ? `: ${view.names.join(', ')}` : ''}
          </Text>
        </Group>
      );
    case 'other':
      return (
        <Text size="sm" fs="italic">
          {view.text}
        </Text>
      );
  }
}

function StatusMark({ message }: { message: Message }) {
  switch (message.status) {
    case 'accepted':
      return <IconClock size={14} aria-label="Accepted, not sent yet" role="img" />;
    case 'sent':
      return <IconCheck size={14} aria-label="Sent" role="img" />;
    case 'delivered':
      return <IconChecks size={14} aria-label="Delivered" role="img" />;
    case 'read':
      return (
        <IconChecks size={14} aria-label="Read" role="img" color="var(--mantine-color-blue-6)" />
      );
    case 'failed':
      return (
        <IconAlertCircle
          size={14}
          aria-label="Failed"
          role="img"
          color="var(--mantine-color-red-6)"
        />
      );
    default:
      return null;
  }
}

/** One message of the conversation: the contact's on the left, the business's on the right. */
export function MessageBubble({ message }: { message: Message }) {
  const outbound = message.direction === 'out';
  const time = message.sent_at ?? message.created_at;
  return (
    <Box
      component="li"
      style={{ display: 'flex', justifyContent: outbound ? 'flex-end' : 'flex-start' }}
      aria-label={`${outbound ? 'Sent' : 'Received'} ${formatDateTime(time)}`}
    >
      <Paper
        radius="md"
        px="sm"
        py={6}
        maw="78%"
        bg={outbound ? 'var(--mantine-color-teal-light)' : 'var(--mantine-color-default-hover)'}
      >
        <Stack gap={4}>
          <Body message={message} />
          <Group gap={4} justify="flex-end" wrap="nowrap" c="dimmed">
            <Tooltip
              label={`${formatDateTime(time)}${message.phone_number ? ` · ${message.phone_number}` : ''}`}
            >
              <Text size="xs" component="time" dateTime={time}>
                {timeFormat.format(new Date(time))}
              </Text>
            </Tooltip>
            {outbound && <StatusMark message={message} />}
          </Group>
          {message.status === 'failed' && (
            <Text size="xs" c="red" role="note">
              Not delivered: {message.error?.title ?? 'WhatsApp refused the message'}
              {message.error ? ` (${message.error.code})` : ''}
            </Text>
          )}
        </Stack>
      </Paper>
    </Box>
  );
}
