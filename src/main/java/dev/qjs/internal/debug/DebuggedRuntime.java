package dev.qjs.internal.debug;

import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.diagnostics.PositionMapper;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RuntimeDebugger} needs of the runtime it debugs: its native address and mailbox,
 * whether the running call must stop, the Java objects behind the shim's host markers, and its
 * source maps.
 */
public interface DebuggedRuntime {

  /**
   * The native runtime.
   *
   * @return its address, 0 once freed
   */
  long nativeRuntime();

  /**
   * The runtime's mailbox, shared with the shim.
   *
   * @return the mailbox
   */
  Mailbox mailbox();

  /**
   * Whether the call running now must end: it was interrupted, or the engine is closing.
   *
   * @return true to end a pause with an interruption
   */
  boolean stopRequested();

  /**
   * The Java object a script holds under a host id.
   *
   * @param id the host id
   * @return the object, or null when the id is unknown
   */
  @Nullable Object hostObject(int id);

  /**
   * The runtime's source maps: a debugger shows and stops at original positions through them.
   *
   * @return the maps, or null while no script with a map has run
   */
  @Nullable PositionMapper positions();
}
