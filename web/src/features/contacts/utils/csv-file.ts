// What the import takes: delimited text. The server detects the delimiter and reads the file;
// this only catches the obvious mistakes before any byte is sent.

export const acceptedFileTypes = '.csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values';

/** Why `file` cannot be imported, or null. */
export function csvFileProblem(file: File): string | null {
  if (file.size === 0) return 'This file is empty.';
  const looksLikeText =
    /\.(csv|tsv|txt)$/i.test(file.name) || file.type.startsWith('text/') || file.type === '';
  return looksLikeText ? null : 'Choose a CSV file (spreadsheets can save as CSV).';
}
