const re = /(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/gu;
const text = 'from 2024-01-31 to 2025-12-01, \u{1F600} and \uD800 lone';
const dates = [...text.matchAll(re)].map(m => m.groups.year + '/' + m.groups.month);
const s = 'Ünïcödé ß ǅ'.normalize('NFD').toUpperCase().split('').reverse().join('');
[dates, s.length, text.replace(/\p{Emoji_Presentation}/gu, '?'), 'abc'.padStart(10, '-'),
 'a,b,,c'.split(/,/), /(a|ab)(c|bcd)(d*)/.exec('abcd'), String.raw`x\ny${1+1}`, 'x'.at(-1)];
