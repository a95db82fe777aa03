class Shape { #id = 0; static count = 0; constructor(n) { this.n = n; Shape.count++; this.#id = Shape.count; }
  get id() { return this.#id; } area() { return 0; } toString() { return `${this.constructor.name}(${this.n})`; } }
class Square extends Shape { constructor(s) { super('sq'); this.s = s; } area() { return this.s ** 2; } }
const shapes = [new Square(3), new Square(4.5), new Shape('x')];
shapes.map(s => s.area()).reduce((a, b) => a + b, 0) + shapes.map(String).join(',');
