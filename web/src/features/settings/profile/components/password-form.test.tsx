import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { renderWithProviders } from '@/testing/render';
import { PasswordForm } from './password-form';

async function fillAndSubmit(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText('Current password'), 'old password');
  await user.type(screen.getByLabelText('New password'), 'a brand new password');
  await user.type(screen.getByLabelText('Confirm new password'), 'a brand new password');
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('PasswordForm', () => {
  it('shows the server reason under the field it concerns', async () => {
    stubFetch({
      'POST /api/v1/me/password': () =>
        errorResponse(400, 'validation_failed', 'The request has invalid fields.', {
          current_password: 'is not correct',
        }),
    });
    const { user } = renderWithProviders(<PasswordForm />);

    await fillAndSubmit(user);

    await waitFor(() =>
      expect(screen.getByLabelText('Current password')).toHaveAccessibleDescription(
        'Is not correct',
      ),
    );
  });

  it('checks the confirmation before calling the server', async () => {
    const { requests } = stubFetch({});
    const { user } = renderWithProviders(<PasswordForm />);

    await user.type(screen.getByLabelText('Current password'), 'old password');
    await user.type(screen.getByLabelText('New password'), 'a brand new password');
    await user.type(screen.getByLabelText('Confirm new password'), 'something else');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText('The passwords do not match')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('sends current and new password and clears the form', async () => {
    const { requests } = stubFetch({
      'POST /api/v1/me/password': () => jsonResponse(null, { status: 204 }),
    });
    const { user } = renderWithProviders(<PasswordForm />);

    await fillAndSubmit(user);

    expect(await screen.findByText('Password changed')).toBeInTheDocument();
    expect(requests[0]?.body).toEqual({
      current_password: 'old password',
      new_password: 'a brand new password',
    });
    expect(screen.getByLabelText('Current password')).toHaveValue('');
  });
});
