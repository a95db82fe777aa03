// Workload 5, the compute mix: plain ES5 so that every engine runs the same code. computeMix()
// returns a checksum that depends on every part; bench code checks it (COMPUTE_MIX_CHECKSUM).
var COMPUTE_MIX_CHECKSUM = 3979982668; // from qjs; every column must give the same

function cmFib(n) { return n < 2 ? n : cmFib(n - 1) + cmFib(n - 2); }

function CmShape() {}
CmShape.prototype.area = function () { return 0; };
function CmSquare(s) { this.s = s; }
CmSquare.prototype = new CmShape();
CmSquare.prototype.area = function () { return this.s * this.s; };
function CmRect(w, h) { this.w = w; this.h = h; }
CmRect.prototype = new CmShape();
CmRect.prototype.area = function () { return this.w * this.h; };
function CmTri(b, h) { this.b = b; this.h = h; }
CmTri.prototype = new CmShape();
CmTri.prototype.area = function () { return (this.b * this.h) >> 1; };
function CmCircle(r) { this.r = r; }
CmCircle.prototype = new CmShape();
CmCircle.prototype.area = function () { return Math.floor(3.14159 * this.r * this.r); };

function cmMix(h, v) { return ((h * 31) + (v | 0)) >>> 0; }

function computeMix() {
  var h = 7, i, j;
  // recursion
  h = cmMix(h, cmFib(20));
  // allocation + polymorphic calls
  var shapes = [];
  for (i = 0; i < 4000; i++) {
    switch (i & 3) {
      case 0: shapes.push(new CmSquare(i % 17)); break;
      case 1: shapes.push(new CmRect(i % 13, i % 7)); break;
      case 2: shapes.push(new CmTri(i % 11, i % 5)); break;
      default: shapes.push(new CmCircle(i % 9));
    }
  }
  var area = 0;
  for (j = 0; j < 3; j++) {
    for (i = 0; i < shapes.length; i++) area += shapes[i].area();
  }
  h = cmMix(h, area);
  // strings
  var parts = [];
  for (i = 0; i < 2000; i++) parts.push('item-' + i.toString(36) + ':' + (i * 7 % 101));
  var text = parts.join(',');
  var fields = text.split(',');
  var slen = 0;
  for (i = 0; i < fields.length; i++) {
    var f = fields[i];
    slen += f.indexOf(':') + f.charCodeAt(f.length - 1) + f.toUpperCase().length;
  }
  h = cmMix(h, slen);
  h = cmMix(h, text.replace(/item-/g, 'i').length);
  // sorting (numbers and strings)
  var nums = [];
  var seed = 12345;
  for (i = 0; i < 5000; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    nums.push(seed % 100000);
  }
  nums.sort(function (a, b) { return a - b; });
  h = cmMix(h, nums[0] + nums[2500] + nums[4999]);
  var words = fields.slice(0, 1000);
  words.sort();
  h = cmMix(h, words[0].length + words[999].charCodeAt(5));
  // objects as maps
  var counts = {};
  for (i = 0; i < 20000; i++) {
    var key = 'k' + (i % 500);
    counts[key] = (counts[key] || 0) + i;
  }
  var total = 0, n = 0;
  for (var k in counts) {
    if (counts.hasOwnProperty(k)) { total = (total + counts[k]) % 1000000007; n++; }
  }
  h = cmMix(h, total);
  h = cmMix(h, n);
  return h;
}
