/**
 * Copies `text`; resolves false where the browser offers no clipboard (plain HTTP: the API
 * exists only in secure contexts) or refuses, so that the caller can select the text instead.
 */
export function copyToClipboard(text: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !('clipboard' in navigator)) {
    return Promise.resolve(false);
  }
  return navigator.clipboard.writeText(text).then(
    () => true,
    () => false,
  );
}
