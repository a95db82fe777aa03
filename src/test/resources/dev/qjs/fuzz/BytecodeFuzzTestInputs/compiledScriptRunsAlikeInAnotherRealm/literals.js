const tag = (s, ...v) => s.raw.join('|') + v.join(',');
[tag`a${1}\u{1F600}${2n}c`, -0, 0 / 0, 1e21, 0x1fffffffffffffn * 3n, "\uD800\uDC00\uDFFF", /(?<y>\d{4})-\d\d/u.exec('2024-01').groups.y,
 /[\p{L}--\p{Ll}]/v.test('A'), 0.1 + 0.2, `multi
line`, '\0\x7f\u2028']
