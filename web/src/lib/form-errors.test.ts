import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client';
import { serverFormErrors } from './form-errors';

const fields = ['current', 'next'] as const;
const fieldMap = { current_password: 'current', new_password: 'next' } as const;

describe('serverFormErrors', () => {
  it('maps server fields onto form fields', () => {
    const error = new ApiError({
      status: 400,
      code: 'validation_failed',
      message: 'The request has invalid fields.',
      details: { current_password: 'is wrong' },
    });
    expect(serverFormErrors(error, fields, { fieldMap })).toEqual({
      fieldErrors: { current: 'Is wrong' },
      formError: null,
    });
  });

  it('keeps what no field can show in the form-level message', () => {
    const error = new ApiError({
      status: 409,
      code: 'conflict',
      message: 'The last owner cannot be demoted.',
    });
    expect(serverFormErrors(error, fields)).toEqual({
      fieldErrors: {},
      formError: 'The last owner cannot be demoted.',
    });
  });

  it('puts a conflict without details under the field it concerns', () => {
    const error = new ApiError({
      status: 409,
      code: 'conflict',
      message: 'The email is already in use.',
    });
    expect(serverFormErrors(error, ['email', 'name'] as const, { conflictField: 'email' })).toEqual(
      { fieldErrors: { email: 'The email is already in use.' }, formError: null },
    );
  });

  it('leaves a conflict that names its field as the server said it', () => {
    const error = new ApiError({
      status: 409,
      code: 'conflict',
      message: 'The change clashes with stored data.',
      details: { email: 'is already in use' },
    });
    expect(serverFormErrors(error, ['email'] as const, { conflictField: 'email' })).toEqual({
      fieldErrors: { email: 'Is already in use' },
      formError: null,
    });
  });
});
