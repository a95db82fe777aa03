const s = "\uD800" + "\uDBFF\uDFFF" + "\uDC00";
[s, s.length, s.isWellFormed(), s.toWellFormed(), encodeURIComponent("\uD83D\uDE00"), JSON.stringify(s), String.fromCharCode(0xD800, 0x41), { [s]: s }]
