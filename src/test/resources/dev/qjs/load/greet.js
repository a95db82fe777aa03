// a classic script loaded with load('classpath:dev/qjs/load/greet.js')
var greeting = 'hello from the class path';
load('./shout.js');
shout(greeting);
