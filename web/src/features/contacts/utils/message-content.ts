import type { Message } from '../api/get-contact-messages';

// A conversation message as the chat shows it. `content` is WhatsApp's own message object
// (docs/api.md, Message), whose shape depends on `type`; anything unexpected falls back to the
// message's `text`, so a new WhatsApp type still shows something readable.

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export type MessageView =
  | { kind: 'text'; text: string }
  | { kind: 'media'; media: MediaKind; label: string; caption: string | null }
  | {
      kind: 'location';
      name: string | null;
      address: string | null;
      latitude: number | null;
      longitude: number | null;
    }
  | { kind: 'reaction'; emoji: string | null }
  | { kind: 'reply'; text: string }
  | { kind: 'interactive'; text: string | null; buttons: string[] }
  | { kind: 'template'; name: string; language: string | null; text: string | null }
  | { kind: 'contacts'; names: string[] }
  | { kind: 'other'; text: string };

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function number(value: unknown): number | null {
  const parsed = typeof value === 'string' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
}

const mediaLabels: Record<MediaKind, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  sticker: 'Sticker',
};

function isMedia(type: string): type is MediaKind {
  return type in mediaLabels;
}

function interactiveView(interactive: Json, fallback: string | null): MessageView {
  // A customer's answer to buttons or a list.
  const reply = object(interactive.button_reply) ?? object(interactive.list_reply);
  if (reply) return { kind: 'reply', text: text(reply.title) ?? fallback ?? 'Reply' };
  // Buttons or a list the business sent.
  const action = object(interactive.action);
  const buttons: string[] = [];
  if (action && Array.isArray(action.buttons)) {
    for (const button of action.buttons) {
      const title = text(object(object(button)?.reply)?.title);
      if (title) buttons.push(title);
    }
  }
  const listButton = text(action?.button);
  if (listButton) buttons.push(listButton);
  return {
    kind: 'interactive',
    text: text(object(interactive.body)?.text) ?? fallback,
    buttons,
  };
}

export function messageView(message: Message): MessageView {
  const content = message.content ?? {};
  const type = message.type;
  const fallback = text(message.text);
  const body = object(content[type]);

  if (type === 'text') {
    return { kind: 'text', text: fallback ?? text(body?.body) ?? '' };
  }
  if (isMedia(type)) {
    const filename = type === 'document' ? text(body?.filename) : null;
    const voice = type === 'audio' && body?.voice === true;
    return {
      kind: 'media',
      media: type,
      label: filename ?? (voice ? 'Voice message' : mediaLabels[type]),
      caption: text(body?.caption) ?? fallback,
    };
  }
  if (type === 'location') {
    return {
      kind: 'location',
      name: text(body?.name),
      address: text(body?.address),
      latitude: number(body?.latitude),
      longitude: number(body?.longitude),
    };
  }
  if (type === 'reaction') return { kind: 'reaction', emoji: text(body?.emoji) };
  if (type === 'button') {
    return { kind: 'reply', text: text(body?.text) ?? fallback ?? 'Button' };
  }
  if (type === 'interactive' && body) return interactiveView(body, fallback);
  if (type === 'template') {
    const language = object(body?.language);
    return {
      kind: 'template',
      name: text(body?.name) ?? 'template',
      language: text(language?.code) ?? text(body?.language),
      text: fallback,
    };
  }
  if (type === 'contacts' && Array.isArray(content.contacts)) {
    const names = content.contacts
      .map((card) => text(object(object(card)?.name)?.formatted_name))
      .filter((name): name is string => name !== null);
    return { kind: 'contacts', names };
  }
  return { kind: 'other', text: fallback ?? `A ${type.replaceAll('_', ' ')} message` };
}
