import { Box, Group, Stack, Text } from '@mantine/core';
import {
  IconArrowBackUp,
  IconCopy,
  IconExternalLink,
  IconFileText,
  IconMapPin,
  IconPhone,
  IconPhoto,
  IconVideo,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { PreviewButton, PreviewHeader, TemplatePreviewModel } from '../lib/preview';
import classes from './template-preview.module.css';

// The template drawn as WhatsApp draws it: a chat bubble with the header, the body in WhatsApp's
// formatting (*bold*, _italic_, ~strike~, ```mono```), the footer, and the buttons under it.
// Variables are marked; with `fillExamples` they show their example values instead.

const variableToken = /\uE000(\d+)\uE001/;
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

interface RenderContext {
  variables: string[];
  values: Record<string, string>;
  fill: boolean;
}

function renderVariables(text: string, context: RenderContext, key: string): ReactNode[] {
  const parts = text.split(variableToken);
  return parts.map((part, index) => {
    if (index % 2 === 0) return part;
    const name = context.variables[Number(part)] ?? '';
    const value = context.values[name];
    const filled = context.fill && value !== undefined && value !== '';
    return (
      <mark
        key={`${key}-v${index}`}
        className={classes.variable}
        data-variable={name}
        title={filled ? `{{${name}}}` : undefined}
      >
        {filled ? value : `{{${name}}}`}
      </mark>
    );
  });
}

function renderFormatted(text: string, context: RenderContext, key: string): ReactNode[] {
  let first: { match: RegExpExecArray; format: number } | null = null;
  for (const [format, { pattern }] of formats.entries()) {
    const match = pattern.exec(text);
    if (match && (first === null || match.index < first.match.index)) first = { match, format };
  }
  if (first === null) return renderVariables(text, context, key);
  const { match, format } = first;
  return [
    ...renderVariables(text.slice(0, match.index), context, `${key}a`),
    formats[format]!.render(renderFormatted(match[1]!, context, `${key}b`), `${key}f`),
    ...renderFormatted(text.slice(match.index + match[0].length), context, `${key}c`),
  ];
}

/** WhatsApp-formatted text with its `{{variables}}` marked (or filled in). */
export function WhatsAppText({
  text,
  values = {},
  fill = false,
}: {
  text: string;
  values?: Record<string, string>;
  fill?: boolean;
}) {
  // Variables are set aside first so that the _ in {{first_name}} is not read as italics.
  const variables: string[] = [];
  const masked = text.replace(/\{\{([^{}]*)\}\}/g, (_match, name: string) => {
    variables.push(name);
    return `\uE000${variables.length - 1}\uE001`;
  });
  return <>{renderFormatted(masked, { variables, values, fill }, 't')}</>;
}

const mediaIcons: Record<string, ReactNode> = {
  IMAGE: <IconPhoto size={32} aria-hidden />,
  VIDEO: <IconVideo size={32} aria-hidden />,
  DOCUMENT: <IconFileText size={32} aria-hidden />,
  LOCATION: <IconMapPin size={32} aria-hidden />,
};

const mediaNames: Record<string, string> = {
  IMAGE: 'Image',
  VIDEO: 'Video',
  DOCUMENT: 'Document',
  LOCATION: 'Location',
};

function Header({
  header,
  model,
  fill,
}: {
  header: PreviewHeader;
  model: TemplatePreviewModel;
  fill: boolean;
}) {
  if (header.kind === 'text') {
    return (
      <Text fw={700} size="sm" className={classes.text}>
        <WhatsAppText text={header.text} values={model.headerExamples} fill={fill} />
      </Text>
    );
  }
  const name = mediaNames[header.format] ?? header.format;
  return (
    <Box className={classes.media} role="img" aria-label={`${name} header`}>
      <Stack gap={4} align="center">
        {mediaIcons[header.format] ?? <IconFileText size={32} aria-hidden />}
        <Text size="xs">{name}</Text>
      </Stack>
    </Box>
  );
}

const buttonIcons: Record<string, ReactNode> = {
  QUICK_REPLY: <IconArrowBackUp size={16} aria-hidden />,
  URL: <IconExternalLink size={16} aria-hidden />,
  PHONE_NUMBER: <IconPhone size={16} aria-hidden />,
  COPY_CODE: <IconCopy size={16} aria-hidden />,
};

function PreviewButtonRow({ button }: { button: PreviewButton }) {
  return (
    <Group
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
  );
}

/** A template in a chat bubble; `label` names the figure for assistive technology. */
export function TemplatePreview({
  model,
  fillExamples = false,
  label = 'Template preview',
}: {
  model: TemplatePreviewModel;
  fillExamples?: boolean;
  label?: string;
}) {
  const empty = model.header === null && model.body.trim() === '' && model.footer === null;
  return (
    <figure className={classes.chat} aria-label={label}>
      <div className={classes.bubble}>
        <Stack gap={6}>
          {model.header && <Header header={model.header} model={model} fill={fillExamples} />}
          {empty ? (
            <Text size="sm" c="dimmed" fs="italic">
              The message text appears here as you type it.
            </Text>
          ) : (
            <Text size="sm" className={classes.text}>
              <WhatsAppText text={model.body} values={model.bodyExamples} fill={fillExamples} />
            </Text>
          )}
          {model.footer && (
            <Text size="xs" c="dimmed" className={classes.text}>
              {model.footer}
            </Text>
          )}
        </Stack>
      </div>
      {model.buttons.length > 0 && (
        <Stack gap={4} mt={4} className={classes.buttons} role="list" aria-label="Buttons">
          {model.buttons.map((button, index) => (
            <div role="listitem" key={index}>
              <PreviewButtonRow button={button} />
            </div>
          ))}
        </Stack>
      )}
    </figure>
  );
}
