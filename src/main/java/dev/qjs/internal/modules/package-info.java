/**
 * The ready-made module loaders behind {@link dev.qjs.ModuleLoader}: one Node-style resolution
 * ({@link dev.qjs.internal.modules.TreeLoader}) over read-only file trees (a directory, class
 * path resources, WebJars, an in-memory map), the chain that composes loaders, the folders of
 * the setting {@code quickjs.moduleRoots} ({@link dev.qjs.internal.modules.ModuleRoots}), the
 * registry through which a runtime resolves and loads the modules its scripts import, and the
 * files the script globals {@code load} and {@code loadWithNewGlobal} read ({@link
 * dev.qjs.internal.modules.ScriptFiles}). Not an API.
 */
@NullMarked
package dev.qjs.internal.modules;

import org.jspecify.annotations.NullMarked;
