import type { Me, Role, User } from '@/lib/auth';

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 1,
    email: 'owner@example.com',
    name: 'Olivia Owner',
    role: 'owner',
    created_at: '2026-11-25T04:00:00Z',
    ...overrides,
  };
}

export function makeMe(role: Role = 'owner', user: Partial<User> = {}): Me {
  return {
    user: makeUser({ role, ...user }),
    workspace: { id: 1, name: 'Acme', created_at: '2026-11-25T04:00:00Z' },
    role,
    csrf_token: 'csrf-from-me',
  };
}
