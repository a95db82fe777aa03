// Stepped through by SourceMappedDebuggingTest. compile.sh compiles it with tsc for ES2015: the
// enum becomes several generated lines of one original line, and the async function runs
// through tsc's __awaiter helper, generated code with no original line.

enum Size {
  Small,
  Large,
}

function sizeOf(count: number): Size {
  const size = count > 2 ? Size.Large : Size.Small;
  return size;
}

async function total(prices: number[]): Promise<number> {
  let sum = 0;
  for (const p of prices) {
    sum += await Promise.resolve(p);
  }
  return sum;
}

function order(prices: number[]): Promise<number> {
  const size = sizeOf(prices.length);
  const sum = total(prices);
  return size === Size.Large ? sum : Promise.resolve(0);
}

const firstSize = sizeOf(1);
void firstSize;
void order;
