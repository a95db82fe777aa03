// loaded by greet.js with a path relative to it
function shout(s) {
  return s.toUpperCase() + '!';
}
