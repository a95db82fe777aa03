// a syntax error on line 3
var fine = 1;
var = 2;
