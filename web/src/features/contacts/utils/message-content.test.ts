import { describe, expect, it } from 'vitest';
import { makeMessage } from '../test-fixtures';
import { messageView } from './message-content';

describe('messageView', () => {
  it('reads each WhatsApp message type', () => {
    expect(messageView(makeMessage({ type: 'text', text: 'Hi' }))).toEqual({
      kind: 'text',
      text: 'Hi',
    });
    expect(
      messageView(
        makeMessage({
          type: 'document',
          text: null,
          content: { document: { filename: 'invoice.pdf', caption: 'November' } },
        }),
      ),
    ).toEqual({ kind: 'media', media: 'document', label: 'invoice.pdf', caption: 'November' });
    expect(
      messageView(makeMessage({ type: 'audio', text: null, content: { audio: { voice: true } } })),
    ).toMatchObject({ kind: 'media', label: 'Voice message' });
    expect(
      messageView(
        makeMessage({
          type: 'location',
          content: { location: { latitude: '-6.2', longitude: 106.8, address: 'Jl. Merdeka' } },
        }),
      ),
    ).toEqual({
      kind: 'location',
      name: null,
      address: 'Jl. Merdeka',
      latitude: -6.2,
      longitude: 106.8,
    });
    expect(
      messageView(makeMessage({ type: 'reaction', content: { reaction: { emoji: '👍' } } })),
    ).toEqual({ kind: 'reaction', emoji: '👍' });
    expect(
      messageView(
        makeMessage({
          type: 'interactive',
          content: {
            interactive: { type: 'button_reply', button_reply: { id: 'y', title: 'Yes' } },
          },
        }),
      ),
    ).toEqual({ kind: 'reply', text: 'Yes' });
    expect(
      messageView(
        makeMessage({ type: 'button', content: { button: { text: 'Stop promotions' } } }),
      ),
    ).toEqual({ kind: 'reply', text: 'Stop promotions' });
  });

  it('shows the buttons a business sent and the templates it used', () => {
    expect(
      messageView(
        makeMessage({
          direction: 'out',
          type: 'interactive',
          text: null,
          content: {
            interactive: {
              type: 'button',
              body: { text: 'Confirm your order?' },
              action: {
                buttons: [
                  { reply: { id: 'a', title: 'Yes' } },
                  { reply: { id: 'b', title: 'No' } },
                ],
              },
            },
          },
        }),
      ),
    ).toEqual({ kind: 'interactive', text: 'Confirm your order?', buttons: ['Yes', 'No'] });
    expect(
      messageView(
        makeMessage({
          direction: 'out',
          type: 'template',
          text: 'Your order shipped',
          content: { template: { name: 'order_update', language: { code: 'en_US' } } },
        }),
      ),
    ).toEqual({
      kind: 'template',
      name: 'order_update',
      language: 'en_US',
      text: 'Your order shipped',
    });
  });

  it('falls back to the text for types it does not know', () => {
    expect(messageView(makeMessage({ type: 'order', text: null, content: {} }))).toEqual({
      kind: 'other',
      text: 'A order message',
    });
    expect(messageView(makeMessage({ type: 'unsupported', text: 'Poll', content: null }))).toEqual({
      kind: 'other',
      text: 'Poll',
    });
  });
});
