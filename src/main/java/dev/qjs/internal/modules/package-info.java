/**
 * The ready-made module loaders behind {@link dev.qjs.ModuleLoader}: one Node-style resolution
 * ({@link dev.qjs.internal.modules.TreeLoader}) over read-only file trees (a directory, class
 * path resources, WebJars, an in-memory map), the chain that composes loaders, and the registry
 * through which a runtime resolves and loads the modules its scripts import. Not an API.
 */
@NullMarked
package dev.qjs.internal.modules;

import org.jspecify.annotations.NullMarked;
