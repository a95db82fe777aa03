// The application of the "new user" test (DiagnosticsAsANewUserTest): compiled by tsc into ES
// modules with maps, then bundled by esbuild, which composes the maps (compile.sh). Its
// failures, its CPU profile and its heap must all lead back to these .ts files.
import { priceOf } from "./pricing";
import { remember, settle, type Order } from "./ledger";

export function run(rounds: number): number {
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    total += priceOf([i, i + 1, i + 2]);
  }
  return total;
}

export function fail(order: Order): number {
  return settle(order);
}

export function leak(count: number): number {
  return remember(count);
}
