const keep = []; for (;;) keep.push("x".repeat(1 << 16) + keep.length)
