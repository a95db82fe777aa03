// A plain function that throws on a known line.

export function parsePrice(text: string): number {
  const value = Number.parseFloat(text.replace(/[^0-9.]/g, ""));
  if (Number.isNaN(value)) {
    throw new Error("bundle-sync-failure: no price in " + text);
  }
  return value;
}
