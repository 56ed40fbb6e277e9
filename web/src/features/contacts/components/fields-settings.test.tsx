import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, type RecordedRequest, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import type { ContactField } from '../api/get-contact-fields';
import { fields } from '../test-fixtures';
import { FieldsSettings } from './fields-settings';

function stubFields(initial: ContactField[], extra: Parameters<typeof stubFetch>[0] = {}) {
  let list = initial;
  return stubFetch({
    'GET /api/v1/contact-fields': () => jsonResponse({ data: list }),
    'POST /api/v1/contact-fields': (request: RecordedRequest) => {
      const body = request.body as ContactField;
      const created = {
        ...body,
        id: 9,
        key: body.key ?? 'plan_name',
        choices: body.choices ?? [],
        created_at: '2026-11-25T04:00:00Z',
      };
      list = [...list, created];
      return jsonResponse(created, { status: 201 });
    },
    'PATCH /api/v1/contact-fields/5': (request: RecordedRequest) => {
      list = list.map((field) =>
        field.id === 5 ? { ...field, ...(request.body as Partial<ContactField>) } : field,
      );
      return jsonResponse(list.find((field) => field.id === 5));
    },
    'DELETE /api/v1/contact-fields/1': () => {
      list = list.filter((field) => field.id !== 1);
      return jsonResponse(null, { status: 204 });
    },
    ...extra,
  });
}

describe('FieldsSettings', () => {
  it('creates a choice field with a key derived from the label', async () => {
    const { requests } = stubFields([]);
    const { user } = renderWithProviders(<FieldsSettings me={makeMe('admin')} />);

    await user.click(await screen.findByRole('button', { name: 'New field' }));
    const dialog = await screen.findByRole('dialog', { name: 'New contact field' });
    await user.type(within(dialog).getByLabelText('Label'), 'Plan name');
    expect(within(dialog).getByLabelText('Key')).toHaveAccessibleDescription(
      'Used in filters, imports and the API: plan_name',
    );
    await user.selectOptions(within(dialog).getByLabelText('Type'), 'choice');
    await user.click(within(dialog).getByRole('button', { name: 'Create field' }));
    expect(within(dialog).getByRole('textbox', { name: 'Choices' })).toHaveAccessibleDescription(
      /List at least one choice/,
    );
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Choices' }),
      'free{Enter}gold{Enter}',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create field' }));

    expect(await screen.findByRole('cell', { name: 'Plan name' })).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      label: 'Plan name',
      type: 'choice',
      choices: ['free', 'gold'],
    });
  });

  it('puts a taken key under the Key field', async () => {
    stubFields([], {
      'POST /api/v1/contact-fields': () =>
        errorResponse(409, 'conflict', 'A field with this key exists.'),
    });
    const { user } = renderWithProviders(<FieldsSettings me={makeMe('owner')} />);
    await user.click(await screen.findByRole('button', { name: 'New field' }));
    const dialog = await screen.findByRole('dialog', { name: 'New contact field' });
    await user.type(within(dialog).getByLabelText('Label'), 'City');
    await user.click(within(dialog).getByRole('button', { name: 'Create field' }));
    await waitFor(() =>
      expect(within(dialog).getByLabelText('Key')).toHaveAccessibleDescription(
        /^A field with this key exists\./,
      ),
    );
  });

  it('renames a field and edits its choices, but not its type', async () => {
    const { requests } = stubFields(fields);
    const { user } = renderWithProviders(<FieldsSettings me={makeMe('admin')} />);
    await user.click(await screen.findByRole('button', { name: 'Edit Plan' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Plan' });
    expect(within(dialog).getByLabelText('Type')).toBeDisabled();
    await user.clear(within(dialog).getByLabelText('Label'));
    await user.type(within(dialog).getByLabelText('Label'), 'Tier');
    await user.type(within(dialog).getByRole('textbox', { name: 'Choices' }), 'platinum{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Save field' }));

    expect(await screen.findByRole('cell', { name: 'Tier' })).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({
      label: 'Tier',
      choices: ['free', 'gold', 'platinum'],
    });
  });

  it('warns that deleting a field removes its values', async () => {
    const { requests } = stubFields(fields);
    const { user } = renderWithProviders(<FieldsSettings me={makeMe('admin')} />);
    await user.click(await screen.findByRole('button', { name: 'Delete City' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete City?' });
    expect(dialog).toHaveTextContent('Every contact’s City value is removed with it');
    await user.click(within(dialog).getByRole('button', { name: 'Delete field' }));
    await waitFor(() => expect(screen.queryByRole('cell', { name: 'City' })).toBeNull());
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('shows editors the fields without ways to change them', async () => {
    stubFields(fields);
    renderWithProviders(<FieldsSettings me={makeMe('editor')} />);
    expect(await screen.findByRole('cell', { name: 'City' })).toBeInTheDocument();
    expect(
      screen.getByText('Only owners and admins can define contact fields.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New field' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete City' })).toBeNull();
  });
});
