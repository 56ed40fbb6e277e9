// Checks that forms run before submitting, so that people learn a rule without a round trip.
// The server owns the exact rules and names what it refuses in `details`.

/** The server's password minimum (docs/api.md, POST /me/password), applied to new users too. */
export const minimumPasswordLength = 10;

/** A Mantine validator for a password being set. */
export function checkNewPassword(value: string): string | null {
  return value.length < minimumPasswordLength
    ? `Use at least ${minimumPasswordLength} characters`
    : null;
}

/** Loose on purpose (something@something): the server owns the exact rule. */
export function looksLikeEmail(value: string): boolean {
  return /^\S+@\S+$/.test(value.trim());
}
