import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import { fields, makeContact, tags } from '../test-fixtures';
import { NewContactModal } from './new-contact-modal';

function renderModal(routes: Parameters<typeof stubFetch>[0]) {
  const { requests } = stubFetch(routes);
  const onClose = vi.fn();
  const rendered = renderWithProviders(
    <NewContactModal
      opened
      onClose={onClose}
      fields={fields}
      tagNames={tags.map((tag) => tag.name)}
      defaultRegion="ID"
    />,
    { routes: [{ path: '/contacts/:id', element: <p>Contact page</p> }] },
  );
  return { ...rendered, requests, onClose };
}

describe('NewContactModal', () => {
  it('sends the typed values, custom fields by type, and closes', async () => {
    const { requests, onClose, user } = renderModal({
      'POST /api/v1/contacts': () => jsonResponse(makeContact(), { status: 201 }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'New contact' });

    await user.type(within(dialog).getByLabelText('Phone number'), '0812-3456-7890');
    // Numbers without + are read in the workspace's region, as the server will.
    expect(within(dialog).getByLabelText('Phone number')).toHaveAccessibleDescription(
      'Saved as +62 812 3456 7890',
    );
    await user.type(within(dialog).getByLabelText('Name'), ' Ana ');
    await user.type(within(dialog).getByLabelText('Tags'), 'vip{Enter}');
    await user.selectOptions(within(dialog).getByLabelText('Consent'), 'opted_in');
    await user.type(within(dialog).getByLabelText('City'), 'Jakarta');
    await user.type(within(dialog).getByLabelText('Age'), '31');
    await user.selectOptions(within(dialog).getByLabelText('Member'), 'false');
    await user.click(within(dialog).getByRole('button', { name: 'Add contact' }));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      phone: '0812-3456-7890',
      name: 'Ana',
      tags: ['vip'],
      consent: 'opted_in',
      fields: { city: 'Jakarta', age: 31, member: false },
    });
  });

  it('asks for a number before calling the server', async () => {
    const { requests, user } = renderModal({});
    const dialog = await screen.findByRole('dialog', { name: 'New contact' });
    await user.click(within(dialog).getByRole('button', { name: 'Add contact' }));
    expect(within(dialog).getByLabelText('Phone number')).toHaveAccessibleDescription(
      /^Enter a phone number/,
    );
    expect(requests).toHaveLength(0);
  });

  it('shows the reasons of validation_failed under their fields', async () => {
    const { user } = renderModal({
      'POST /api/v1/contacts': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          phone: 'is not a valid number for ID',
          'fields.age': 'must be a number',
        }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'New contact' });
    await user.type(within(dialog).getByLabelText('Phone number'), '12');
    await user.type(within(dialog).getByLabelText('Age'), '3');
    await user.click(within(dialog).getByRole('button', { name: 'Add contact' }));

    const phone = within(dialog).getByLabelText('Phone number');
    await waitFor(() => expect(phone).toHaveAccessibleDescription(/^Is not a valid number for ID/));
    expect(phone).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByLabelText('Age')).toHaveAccessibleDescription('Must be a number');
  });

  it('links to the contact a number already belongs to', async () => {
    const { router, user } = renderModal({
      'POST /api/v1/contacts': () =>
        errorResponse(409, 'conflict', 'The change clashes with stored data.', { id: 12 }),
    });
    const dialog = await screen.findByRole('dialog', { name: 'New contact' });
    await user.type(within(dialog).getByLabelText('Phone number'), '+6281234567890');
    await user.click(within(dialog).getByRole('button', { name: 'Add contact' }));

    const link = await within(dialog).findByRole('link', { name: 'Open the contact' });
    expect(link).toHaveAttribute('href', '/contacts/12');
    expect(within(dialog).getByText(/This number is already a contact\./)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Phone number')).toHaveAccessibleDescription(
      /^This number is already a contact/,
    );
    await user.click(link);
    await waitFor(() => expect(router.state.location.pathname).toBe('/contacts/12'));
  });
});
