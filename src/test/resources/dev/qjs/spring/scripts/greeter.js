// A scripted bean as top-level functions: the script's value is undefined, so Spring's
// StandardScriptFactory adapts the engine's global functions to the interface.
var greeting = 'Hello';

function setGreeting(text) {
  greeting = text;
}

function greet(name) {
  return greeting + ', ' + name + '!';
}

// `words` is a java.util.List: Array.prototype methods work on it directly.
function countLetters(words) {
  return words.reduce((total, word) => total + word.length, 0);
}
