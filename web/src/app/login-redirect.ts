/** `/login?next=/settings`, remembering where the person was going. */
export function loginPath(next: string): string {
  return next === '/' || next === '' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}

/**
 * Where to go after logging in. Only same-origin paths are accepted: `next` comes from the URL,
 * and following `//evil.example` or `https://...` would make the login page an open redirect.
 */
export function safeNextPath(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}
