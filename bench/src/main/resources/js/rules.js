// RulesBench: discount, eligibility and risk rules over a Java order model (ES5). A template:
// RulesBench replaces `.@name(` by `.getName(` for the beans (function evaluate) and by
// `.name(` for the records (function evaluateRecord), so both run the same rules; every host
// access is a method call, the form every engine runs. Host accesses per call with 8 lines and
// 3 tags: 9 per line (72) + 30 others = 102 (counted in the comments: running total).
function evaluate$(o) {
  var c = o.@customer();                                   // 1
  var ship = o.@shipping();                                // 2
  var lines = o.@lines();                                  // 3
  var n = lines.size();                                    // 4
  var subtotal = 0, electronics = 0, qty = 0, heavy = 0, hazmat = 0, euLines = 0, mask = 0;
  for (var i = 0; i < n; i++) {                            // 9 per line:
    var l = lines.get(i);                                  // 1
    var q = l.@quantity();                                 // 2
    var p = l.@unitPriceCents();                           // 3
    var cat = l.@category();                               // 4
    var a = l.@attributes();                               // 5
    subtotal += q * p;
    qty += q;
    if (a.get('weightGrams') * q > 5000) heavy++;          // 6
    if (cat == 'electronics') electronics += q * p;
    if (a.get('origin') == 'EU') euLines++;                // 7
    if (a.containsKey('hazmat')) hazmat++;                 // 8
    if (('' + l.@sku()).indexOf('SKU-1') == 0) mask |= 1 << (('' + cat).length % 8); // 9
  }
  var bp = 0; // discount, basis points
  var tier = c.@tier();                                    // 5
  if (tier == 'GOLD') bp += 1000; else if (tier == 'SILVER') bp += 500;
  if (c.@yearsActive() >= 5) bp += 200;                    // 6
  if (o.@couponCode() == 'SPRING10' && subtotal >= 10000) bp += 1000; // 7
  if (qty >= 10) bp += 150;
  if (electronics * 2 > subtotal) bp -= 300;
  if (bp > 2000) bp = 2000;
  var gift = false, express = false;
  var tags = o.@tags();                                    // 8
  for (var j = 0; j < tags.size(); j++) {                  // 4 size() calls: 12
    var t = tags.get(j);                                   // 3 get(j) calls: 15
    if (t == 'gift') gift = true; else if (t == 'express') express = true;
  }
  var oa = o.@attributes();                                // 16
  var ca = c.@attributes();                                // 17
  var discount = Math.floor(subtotal * bp / 10000);
  var country = ship.@country();                           // 18
  var euShip = country == 'DE' || country == 'AT' || country == 'FR' || country == 'NL';
  var free = subtotal - discount >= 5000 && heavy == 0 && hazmat == 0 && euShip;
  var shipping = free ? 0 : 499 + heavy * 1000 + (express ? 1500 : 0);
  var total = subtotal - discount + shipping + hazmat * 250 + (gift ? 300 : 0);
  var risk = c.@chargebacks() * 15;                        // 19
  if (c.@orderCount() < 2) risk += 25;                     // 20
  if (country != '' + c.@address().@country()) risk += 20; // 22
  if (total > ca.get('creditLimitCents')) risk += 30;      // 23
  if (oa.get('channel') == 'web' && oa.get('priority') > 1) risk += 5; // 25
  if (euLines * 2 < lines.size()) risk += 10;              // 26
  if (('' + ship.@zip()).length > 0 && ('' + ship.@city()).length > 3
      && ('' + c.@name()).length > 0) risk -= 5;           // 29
  if (risk < 0) risk = 0;
  if (risk > 99) risk = 99;
  var flags = (free ? 1 : 0) + (gift ? 2 : 0) + (ca.get('segment') == 'b2b' ? 4 : 0); // 30
  return ((total * 100 + risk) * 10 + flags) * 256 + mask;
}
