// docs/api.md: tag names are 1 to 64 characters; letters, digits, spaces, `-`, `_`, `.` and `:`.

export const maxTagLength = 64;
const tagPattern = /^[\p{L}\p{N} _.:-]+$/u;

/** Why `name` cannot be a tag, or null when it can. */
export function tagNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Enter a tag name';
  if (trimmed.length > maxTagLength) return `Use at most ${maxTagLength} characters`;
  if (!tagPattern.test(trimmed)) {
    return 'Use letters, digits, spaces and - _ . : only';
  }
  return null;
}
