// Text put into a document on lines of its own: never glued to what is left or right of the cursor.

/** `before` and `after` are the rest of the cursor's line on each side; returns the text to insert there. */
export function onOwnLines(text: string, before: string, after: string): string {
  const body = text.replace(/^\n+|\n+$/g, '');
  return `${before.trim() ? '\n' : ''}${body}${after.trim() ? '\n' : ''}`;
}
