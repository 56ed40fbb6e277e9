// The `/` shortcut focuses the search box of the page that is open. A page marks its box with
// this attribute rather than registering a handler, so a page without one simply has none.

export const pageSearchAttribute = 'data-page-search';

/** Focuses and selects the open page's search box; false when the page has none. */
export function focusPageSearch(): boolean {
  const input = document.querySelector<HTMLInputElement>(`[${pageSearchAttribute}]`);
  if (!input) return false;
  input.focus();
  input.select();
  return true;
}
