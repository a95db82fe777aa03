// A failure on a known line, and a leak of a known class into a module-level array.
export interface Order {
  id: number;
  total: number;
}

export class Leak {
  constructor(readonly id: number) {}
}

const kept: Leak[] = [];

export function remember(count: number): number {
  for (let i = 0; i < count; i++) {
    kept.push(new Leak(i));
  }
  return kept.length;
}

export function settle(order: Order): number {
  if (order.total < 0) {
    throw new Error("pipeline-failure: order " + order.id + " has a negative total");
  }
  return order.total;
}
