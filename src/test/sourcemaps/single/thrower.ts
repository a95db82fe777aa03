// Compiled by compile.sh with tsc into a plain script; the tests find each throw by its
// message in the generated file and check that the map leads back to this file and line.

interface Order {
  id: number;
  total: number;
}

function checkOrder(order: Order): number {
  if (order.total < 0) {
    throw new Error("tsc-sync-failure: negative total");
  }
  return order.total;
}

async function loadLater(id: number): Promise<Order> {
  await Promise.resolve(id);
  throw new Error("tsc-async-failure: order " + id + " not found");
}

class Ledger {
  private readonly entries: Order[] = [];

  add(order: Order): void {
    if (this.entries.some((e) => e.id === order.id)) {
      throw new Error("tsc-method-failure: duplicate order " + order.id);
    }
    this.entries.push(order);
  }
}

function greet(name: string): string {
  const label: string = "😀 café " + name; throw new Error("tsc-astral-failure: " + label);
}

const ledger = new Ledger();
ledger.add({ id: 1, total: 5 });
void checkOrder;
void loadLater;
void greet;
