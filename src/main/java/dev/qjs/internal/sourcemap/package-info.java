/**
 * Source maps (ECMA-426): reading a map's JSON ({@link dev.qjs.internal.sourcemap.SourceMapJson})
 * into a {@link dev.qjs.internal.sourcemap.SourceMap} whose {@code mappings} are decoded on the
 * first lookup into compact int arrays ({@link dev.qjs.internal.sourcemap.Mappings}), finding a
 * generated source's {@code //# sourceMappingURL=} comment and decoding {@code data:} URLs
 * ({@link dev.qjs.internal.sourcemap.SourceMappingUrl}), turning QuickJS's code-point columns
 * into the UTF-16 columns maps use ({@link dev.qjs.internal.sourcemap.GeneratedColumns}), and the
 * per-engine registry the engine asks for original positions ({@link
 * dev.qjs.internal.sourcemap.SourceMaps}). A broken or missing map never fails a script: the
 * registry logs why once and positions stay generated ones. Not an API.
 */
@NullMarked
package dev.qjs.internal.sourcemap;

import org.jspecify.annotations.NullMarked;
