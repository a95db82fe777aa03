var declared = 1; let lexical = 2; function hoisted() { return declared + lexical } hoisted()
