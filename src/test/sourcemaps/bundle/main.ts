// The entry of the esbuild bundles (compile.sh): it pulls in the other sources, so a bundle
// maps back to several original files.
import { Inventory } from "./inventory";
import { parsePrice } from "./prices";
import { banner } from "./text";

export function restock(items: string[]): number {
  const inventory = new Inventory();
  for (const item of items) {
    inventory.put(item, parsePrice(item));
  }
  return inventory.count();
}

export async function fetchStock(sku: string): Promise<number> {
  const known = await Promise.resolve(sku.length);
  if (known > 3) {
    throw new Error("bundle-async-failure: unknown sku " + sku);
  }
  return known;
}

export { banner, parsePrice, Inventory };
