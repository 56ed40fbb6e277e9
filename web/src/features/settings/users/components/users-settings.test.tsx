import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { User } from '@/lib/auth';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe, makeUser } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import { UsersSettings } from './users-settings';

const owner = makeUser();
const ana = makeUser({ id: 2, email: 'ana@example.com', name: 'Ana', role: 'editor' });

function stubUsers(users: User[], extra: Parameters<typeof stubFetch>[0] = {}) {
  return stubFetch({
    'GET /api/v1/users': () => jsonResponse({ data: users, next_cursor: null }),
    ...extra,
  });
}

describe('UsersSettings', () => {
  it('shows a read-only list to a viewer, with the reason', async () => {
    stubUsers([owner, ana]);
    renderWithProviders(<UsersSettings me={makeMe('viewer', { id: 3, name: 'Vic' })} />);

    expect(await screen.findByRole('cell', { name: 'ana@example.com' })).toBeInTheDocument();
    expect(screen.getByText('Only owners and admins can manage users.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add user' })).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'Role of Ana' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove Ana' })).toBeNull();
  });

  it('puts a taken email (409) under the Email field', async () => {
    stubUsers([owner], {
      'POST /api/v1/users': () =>
        errorResponse(409, 'conflict', 'The change clashes with stored data.', {
          email: 'is already in use',
        }),
    });
    const { user } = renderWithProviders(<UsersSettings me={makeMe('owner')} />);

    await user.click(await screen.findByRole('button', { name: 'Add user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a user' });
    await user.type(within(dialog).getByLabelText('Email'), 'ana@example.com');
    await user.type(within(dialog).getByLabelText('Name'), 'Ana');
    await user.type(within(dialog).getByLabelText('Password'), 'long enough password');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));

    const email = within(dialog).getByLabelText('Email');
    await waitFor(() => expect(email).toHaveAccessibleDescription('Is already in use'));
    expect(email).toHaveAttribute('aria-invalid', 'true');
  });

  it('adds a user and lists them', async () => {
    let users = [owner];
    const { requests } = stubUsers([], {
      'GET /api/v1/users': () => jsonResponse({ data: users, next_cursor: null }),
      'POST /api/v1/users': () => {
        users = [owner, ana];
        return jsonResponse(ana, { status: 201 });
      },
    });
    const { user } = renderWithProviders(<UsersSettings me={makeMe('admin')} />);

    await user.click(await screen.findByRole('button', { name: 'Add user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a user' });
    // An admin may not hand out the owner role.
    expect(within(dialog).queryByRole('option', { name: 'Owner' })).toBeNull();
    await user.type(within(dialog).getByLabelText('Email'), 'ana@example.com');
    await user.type(within(dialog).getByLabelText('Name'), 'Ana');
    await user.type(within(dialog).getByLabelText('Password'), 'long enough password');
    await user.selectOptions(within(dialog).getByLabelText('Role'), 'viewer');
    await user.click(within(dialog).getByRole('button', { name: 'Add user' }));

    expect(await screen.findByRole('cell', { name: 'ana@example.com' })).toBeInTheDocument();
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({
      email: 'ana@example.com',
      name: 'Ana',
      password: 'long enough password',
      role: 'viewer',
    });
  });

  it('changes a role from the row', async () => {
    const { requests } = stubUsers([owner, ana], {
      'PATCH /api/v1/users/2': () => jsonResponse({ ...ana, role: 'admin' }),
    });
    const { user } = renderWithProviders(<UsersSettings me={makeMe('owner')} />);

    const select = await screen.findByRole('combobox', { name: 'Role of Ana' });
    await user.selectOptions(select, 'admin');

    await waitFor(() => expect(select).toHaveValue('admin'));
    expect(requests.find((request) => request.method === 'PATCH')?.body).toEqual({ role: 'admin' });
    // Your own role is not editable here: that is how people lock themselves out.
    expect(screen.getByRole('combobox', { name: 'Role of Olivia Owner' })).toBeDisabled();
  });
});
