// A class whose method throws: names mapping matters once the bundle is minified.

export class Inventory {
  private readonly stock = new Map<string, number>();

  put(item: string, price: number): void {
    if (this.stock.has(item)) {
      throw new Error("bundle-method-failure: " + item + " is stocked already");
    }
    this.stock.set(item, price);
  }

  count(): number {
    return this.stock.size;
  }
}
