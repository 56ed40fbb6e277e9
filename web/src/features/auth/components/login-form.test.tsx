import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, stubFetch } from '@/testing/fetch-stub';
import { makeMe } from '@/testing/fixtures';
import { renderWithProviders } from '@/testing/render';
import { LoginForm } from './login-form';

function renderForm() {
  const onSuccess = vi.fn();
  const rendered = renderWithProviders(<LoginForm onSuccess={onSuccess} />);
  return { ...rendered, onSuccess };
}

describe('LoginForm', () => {
  it('focuses the email field and submits with Enter', async () => {
    const me = makeMe('admin');
    const { requests } = stubFetch({ 'POST /api/v1/auth/login': () => jsonResponse(me) });
    const { user, onSuccess } = renderForm();

    expect(screen.getByLabelText('Email')).toHaveFocus();
    await user.keyboard('ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery{Enter}');

    await waitFor(() => expect(onSuccess).toHaveBeenCalledOnce());
    expect(onSuccess.mock.calls[0]?.[0]).toEqual(me);
    expect(requests[0]?.body).toEqual({
      email: 'ana@example.com',
      password: 'correct horse battery',
    });
  });

  it('says the email or password is incorrect on 401', async () => {
    stubFetch({
      'POST /api/v1/auth/login': () =>
        errorResponse(401, 'invalid_credentials', 'Invalid email or password.'),
    });
    const { user, onSuccess } = renderForm();

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect');
    expect(onSuccess).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Password')).toHaveValue('wrong');
  });

  it('tells how long to wait on 429, from Retry-After', async () => {
    stubFetch({
      'POST /api/v1/auth/login': () =>
        errorResponse(429, 'too_many_requests', 'Too many attempts.', undefined, {
          'Retry-After': '540',
        }),
    });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'whatever{Enter}');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many attempts, try again in 9 minutes',
    );
  });

  it('disables the button while the request is in flight', async () => {
    let answer: (response: Response) => void = () => undefined;
    stubFetch({
      'POST /api/v1/auth/login': () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    const { user, onSuccess } = renderForm();

    await user.type(screen.getByLabelText('Email'), 'ana@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery{Enter}');

    await waitFor(() => expect(screen.getByRole('button', { name: 'Log in' })).toBeDisabled());
    answer(jsonResponse(makeMe()));
    await waitFor(() => expect(onSuccess).toHaveBeenCalledOnce());
    expect(screen.getByRole('button', { name: 'Log in' })).toBeEnabled();
  });

  it('asks for both fields before calling the server', async () => {
    const { requests } = stubFetch({});
    const { user } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByText('Enter your email address')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });
});
