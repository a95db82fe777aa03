// Non-ASCII text before the throwing expression on the same line: an astral character (two
// UTF-16 units, one code point) and an accented letter shift the columns.

export function banner(title: string): string {
  const decorated = "🎉 Café " + title; if (title.length === 0) throw new Error("bundle-astral-failure: " + decorated);
  return decorated;
}
