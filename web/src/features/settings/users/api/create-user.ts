import { apiClient } from '@/lib/api-client';
import type { Role, User } from '@/lib/auth';
import { queryKeys } from '@/lib/query-keys';
import { useInvalidatingMutation } from '@/lib/react-query';

export interface CreateUserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
}

/** POST /api/v1/users (owner, admin): 201 User; 409 conflict when the email is taken. */
export function createUser(input: CreateUserInput): Promise<User> {
  return apiClient.post<User>('/api/v1/users', input);
}

export function useCreateUser() {
  return useInvalidatingMutation(createUser, [queryKeys.users, queryKeys.workspace]);
}
