// A scripted bean as an object: the script's value is the object whose methods implement
// the interface (`this` is that object). Modern syntax on purpose: class fields, `**`, `?.`.
class Calculator {
  rate = 0.25;

  add(a, b) {
    return a + b;
  }

  withTax(amount) {
    return amount * (1 + this.rate);
  }

  power(base, exponent) {
    return base ** exponent;
  }

  describe(order) {
    return `${order?.customer ?? 'nobody'}: ${order?.lines?.length ?? 0} lines`;
  }
}

new Calculator();
