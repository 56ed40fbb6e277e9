import { describe, expect, it } from 'vitest';
import { loginPath, safeNextPath } from './login-redirect';

describe('safeNextPath', () => {
  it('keeps same-origin paths with their query', () => {
    expect(safeNextPath('/settings/users?x=1')).toBe('/settings/users?x=1');
  });

  it.each([null, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/login'])(
    'sends %j to the dashboard instead',
    (next) => {
      expect(safeNextPath(next)).toBe('/');
    },
  );
});

describe('loginPath', () => {
  it('remembers where the person was going', () => {
    expect(loginPath('/settings/tokens')).toBe('/login?next=%2Fsettings%2Ftokens');
    expect(loginPath('/')).toBe('/login');
  });
});
