/(a+)+$/.test("a".repeat(32) + "b")
