// Keys shared by more than one feature live here, so that a feature can refresh data another
// feature shows without importing it.
export const queryKeys = {
  me: ['me'] as const,
  workspace: ['workspace'] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  readiness: ['readiness'] as const,
  realtime: ['realtime'] as const,
};
