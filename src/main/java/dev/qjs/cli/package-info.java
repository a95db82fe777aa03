/**
 * The command-line script runner, the jar's Main-Class: runs JavaScript files through
 * {@code javax.script}. Not exported by the module and not an API.
 */
@NullMarked
package dev.qjs.cli;

import org.jspecify.annotations.NullMarked;
