import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { Tag } from '../api/get-tags';
import { tags } from '../test-fixtures';
import { TagsSettings } from './tags-settings';

function stubTags() {
  let list: Tag[] = tags;
  return stubFetch({
    'GET /api/v1/tags': () => jsonResponse({ data: list }),
    'PATCH /api/v1/tags/2': (request: RecordedRequest) => {
      const { name } = request.body as { name: string };
      list = list.map((tag) => (tag.id === 2 ? { ...tag, name } : tag));
      return jsonResponse(list.find((tag) => tag.id === 2));
    },
    'DELETE /api/v1/tags/1': () => {
      list = list.filter((tag) => tag.id !== 1);
      return jsonResponse(null, { status: 204 });
    },
  });
}

describe('TagsSettings', () => {
  it('lists tags with their contact counts, linked to their contacts', async () => {
    stubTags();
    renderWithProviders(<TagsSettings me={makeMe('viewer')} />);
    const row = await screen.findByRole('row', { name: /vip/ });
    expect(row).toHaveTextContent('1,532 contacts');
    expect(within(row).getByRole('link', { name: 'vip' })).toHaveAttribute(
      'href',
      '/contacts?tag=vip',
    );
    expect(within(row).queryByRole('button', { name: 'Rename vip' })).toBeNull();
  });

  it('renames a tag, checking the name first', async () => {
    const { requests } = stubTags();
    const { user } = renderWithProviders(<TagsSettings me={makeMe('editor')} />);
    await user.click(await screen.findByRole('button', { name: 'Rename vip' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename “vip”' });
    const input = within(dialog).getByLabelText('Tag name');
    await user.clear(input);
    await user.type(input, 'vip/gold');
    await user.click(within(dialog).getByRole('button', { name: 'Rename tag' }));
    expect(input).toHaveAccessibleDescription(/^Use letters, digits, spaces/);

    await user.clear(input);
    await user.type(input, 'vip gold');
    await user.click(within(dialog).getByRole('button', { name: 'Rename tag' }));
    expect(await screen.findByRole('link', { name: 'vip gold' })).toBeInTheDocument();
    expect(requests.filter((request) => request.method === 'PATCH').map((r) => r.body)).toEqual([
      { name: 'vip gold' },
    ]);
  });

  it('deletes a tag after saying how many contacts lose it', async () => {
    stubTags();
    const { user } = renderWithProviders(<TagsSettings me={makeMe('editor')} />);
    await user.click(await screen.findByRole('button', { name: 'Delete jakarta' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete “jakarta”?' });
    expect(dialog).toHaveTextContent('1,200 contacts lose the tag');
    await user.click(within(dialog).getByRole('button', { name: 'Delete tag' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'jakarta' })).toBeNull());
  });
});
