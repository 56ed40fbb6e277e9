import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/testing/render';
import { previewFromComponents } from '../lib/preview';
import { TemplatePreview } from './template-preview';

function renderPreview(model: ReturnType<typeof previewFromComponents>, fillExamples = false) {
  renderWithProviders(<TemplatePreview model={model} fillExamples={fillExamples} />);
  return screen.findByRole('figure', { name: 'Template preview' });
}

describe('TemplatePreview', () => {
  it('does not read the _ of variable names as italics', async () => {
    const preview = await renderPreview(
      previewFromComponents([{ type: 'BODY', text: 'Hi {{first_name}} {{last_name}}, _thanks_' }]),
    );
    expect(Array.from(preview.querySelectorAll('mark'), (mark) => mark.textContent)).toEqual([
      '{{first_name}}',
      '{{last_name}}',
    ]);
    expect(preview.querySelectorAll('em')).toHaveLength(1);
    expect(within(preview).getByText('thanks').tagName).toBe('EM');
  });

  it('formats across a variable and keeps line breaks', async () => {
    const preview = await renderPreview(
      previewFromComponents([{ type: 'body', text: '*Dear {{1}}*\nSee you ```soon```' }]),
    );
    const strong = preview.querySelector('strong');
    expect(strong).toHaveTextContent('Dear {{1}}');
    expect(strong?.querySelector('mark')).toHaveTextContent('{{1}}');
    expect(within(preview).getByText('soon').tagName).toBe('CODE');
    expect(preview.textContent).toContain('\nSee you');
  });

  it('reads named examples and shows a media header as a placeholder', async () => {
    const preview = await renderPreview(
      previewFromComponents([
        {
          type: 'HEADER',
          format: 'DOCUMENT',
          example: { header_handle: ['https://x.test/a.pdf'] },
        },
        {
          type: 'BODY',
          text: 'Invoice {{invoice_id}}',
          example: { body_text_named_params: [{ param_name: 'invoice_id', example: 'INV-7' }] },
        },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'COPY_CODE', example: ['SAVE10'] },
            { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550100' },
          ],
        },
      ]),
      true,
    );
    expect(within(preview).getByRole('img', { name: 'Document header' })).toBeInTheDocument();
    expect(preview).toHaveTextContent('Invoice INV-7');
    const buttons = within(preview).getAllByRole('listitem');
    expect(buttons.map((button) => button.textContent)).toEqual(['Copy offer code', 'Call']);
    expect(buttons[0]!.firstElementChild).toHaveAttribute('title', 'SAVE10');
    expect(buttons[1]!.firstElementChild).toHaveAttribute('title', '+15550100');
  });
});
