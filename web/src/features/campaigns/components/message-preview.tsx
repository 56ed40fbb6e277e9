import { Box, Group, Stack, Text } from '@mantine/core';
import {
  IconArrowBackUp,
  IconCopy,
  IconExternalLink,
  IconFileText,
  IconPhone,
  IconPhoto,
  IconVideo,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { MessagePreview as Preview } from '../lib/message';
import classes from './message-preview.module.css';

// The message as WhatsApp draws it: a chat bubble with WhatsApp's formatting (*bold*,
// _italic_, ~strike~, ```mono```) and the buttons under it.

const formats: { pattern: RegExp; render: (children: ReactNode, key: string) => ReactNode }[] = [
  {
    pattern: /```([\s\S]+?)```/,
    render: (children, key) => (
      <code key={key} className={classes.mono}>
        {children}
      </code>
    ),
  },
  {
    pattern: /\*(\S(?:[^*\n]*\S)?)\*/,
    render: (children, key) => <strong key={key}>{children}</strong>,
  },
  { pattern: /_(\S(?:[^_\n]*\S)?)_/, render: (children, key) => <em key={key}>{children}</em> },
  { pattern: /~(\S(?:[^~\n]*\S)?)~/, render: (children, key) => <s key={key}>{children}</s> },
];

function formatted(text: string, key: string): ReactNode[] {
  let first: { match: RegExpExecArray; format: number } | null = null;
  for (const [format, { pattern }] of formats.entries()) {
    const match = pattern.exec(text);
    if (match && (first === null || match.index < first.match.index)) first = { match, format };
  }
  if (first === null) return [text];
  const { match, format } = first;
  return [
    text.slice(0, match.index),
    formats[format]!.render(formatted(match[1]!, `${key}i`), `${key}f`),
    ...formatted(text.slice(match.index + match[0].length), `${key}r`),
  ];
}

/** Text in WhatsApp's formatting. */
export function WhatsAppText({ text }: { text: string }) {
  return <>{formatted(text, 't')}</>;
}

const mediaIcons: Record<string, ReactNode> = {
  IMAGE: <IconPhoto size={28} aria-hidden />,
  VIDEO: <IconVideo size={28} aria-hidden />,
  DOCUMENT: <IconFileText size={28} aria-hidden />,
};

const buttonIcons: Record<string, ReactNode> = {
  QUICK_REPLY: <IconArrowBackUp size={16} aria-hidden />,
  URL: <IconExternalLink size={16} aria-hidden />,
  PHONE_NUMBER: <IconPhone size={16} aria-hidden />,
  COPY_CODE: <IconCopy size={16} aria-hidden />,
};

/** A message in a chat bubble; `label` names the figure. */
export function MessagePreview({ preview, label }: { preview: Preview; label: string }) {
  const empty = preview.header === null && preview.body.trim() === '';
  return (
    <figure className={classes.chat} aria-label={label}>
      <div className={classes.bubble}>
        <Stack gap={6}>
          {preview.header?.kind === 'text' && (
            <Text fw={700} size="sm" className={classes.text}>
              <WhatsAppText text={preview.header.text} />
            </Text>
          )}
          {preview.header?.kind === 'media' && (
            <Box
              className={classes.media}
              role="img"
              aria-label={`${preview.header.format.toLowerCase()} header`}
            >
              {mediaIcons[preview.header.format] ?? <IconFileText size={28} aria-hidden />}
            </Box>
          )}
          {empty ? (
            <Text size="sm" c="dimmed" fs="italic">
              The message appears here.
            </Text>
          ) : (
            <Text size="sm" className={classes.text}>
              <WhatsAppText text={preview.body} />
            </Text>
          )}
          {preview.footer && (
            <Text size="xs" c="dimmed" className={classes.text}>
              {preview.footer}
            </Text>
          )}
        </Stack>
      </div>
      {preview.buttons.length > 0 && (
        <Stack gap={4} mt={4} className={classes.buttons} role="list" aria-label="Buttons">
          {preview.buttons.map((button, index) => (
            <Group
              key={index}
              role="listitem"
              className={classes.button}
              gap={6}
              justify="center"
              wrap="nowrap"
              title={button.detail ?? undefined}
            >
              {buttonIcons[button.type] ?? null}
              <Text size="sm" fw={500} truncate>
                {button.text || 'Button'}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </figure>
  );
}
