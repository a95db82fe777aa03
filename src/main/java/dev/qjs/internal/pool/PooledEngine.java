package dev.qjs.internal.pool;

import javax.script.ScriptEngine;

/** One engine of a pool, with the state it is reset to and how many leases it served. */
final class PooledEngine<E extends ScriptEngine> {
  final E engine;
  final ContextSnapshot ready;
  /** Leases this engine served; written under the pool's lock. */
  int leases;

  PooledEngine(E engine, ContextSnapshot ready) {
    this.engine = engine;
    this.ready = ready;
  }
}
