package dev.qjs.internal.interop;

import com.sun.jna.Pointer;
import dev.qjs.DebuggerStatement;
import dev.qjs.ModuleLoader;
import dev.qjs.ModuleSource;
import dev.qjs.internal.async.EventLoop;
import dev.qjs.internal.bridge.Mailbox;
import dev.qjs.internal.bridge.QuickJsNative;
import dev.qjs.internal.codec.References;
import dev.qjs.internal.codec.ValueReader;
import dev.qjs.internal.codec.ValueWriter;
import dev.qjs.internal.diagnostics.ScriptDiagnostics;
import dev.qjs.internal.modules.ModuleRegistry;
import dev.qjs.internal.modules.ScriptFiles;
import dev.qjs.internal.profile.HostFrameNames;
import dev.qjs.internal.runtime.JsRuntime;
import dev.qjs.internal.runtime.Realm;
import dev.qjs.internal.runtime.RealmBindings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.script.Bindings;
import javax.script.ScriptContext;
import org.jspecify.annotations.Nullable;

/**
 * The host calls of one runtime: what the shim asks Java during a call (print, a GLOBAL_SCOPE
 * look-up, a Java object's members, a timer, a module), decoded, answered and encoded as the
 * reply. A Java exception never unwinds into C: it becomes the reply's JavaScript error, and a
 * JVM error also stops the call. The host's Java code runs with the runtime lent (see {@link
 * JsRuntime#lent}).
 */
public final class HostCalls {
  private static final Map<Integer, TokenRef> BY_TOKEN = new ConcurrentHashMap<>();
  private static final AtomicInteger TOKENS = new AtomicInteger();

  /** A runtime's HostCalls, held weakly (an engine nobody uses must stay collectable). */
  private static final class TokenRef extends WeakReference<HostCalls> {
    final int token;

    TokenRef(HostCalls calls, int token) {
      super(calls);
      this.token = token;
    }
  }

  /**
   * The runtime of the last host call, so consecutive calls of one runtime skip the token
   * look-up. One reference holds both the token and the runtime, so a stale value only costs
   * the look-up.
   */
  private static volatile @Nullable TokenRef last;

  /** What {@code OP_HOST_INVOKE_METHOD} finds when a map's entry shadows the method. */
  private static final Object SHADOWED = new Object();

  /** The callback every runtime gives the shim; the token names the runtime. */
  public static final QuickJsNative.HostFunction CALLBACK = HostCalls::dispatch;

  private final JsRuntime runtime;
  private final Mailbox mailbox;
  private final References references;
  private final ValueReader values;
  private final ValueWriter reply;
  private final HostObjects hosts;
  private final HostMembers members;
  private final ClassMethodIds methodIds = new ClassMethodIds();
  private final ImmutableMembers immutables;
  private final EventLoop loop;
  private final ModuleRegistry modules;
  private @Nullable ByteBuffer argsView;
  private long argsViewAddress;

  public HostCalls(
      JsRuntime runtime,
      Mailbox mailbox,
      References references,
      ValueReader values,
      HostObjects hosts,
      ArgumentConverter converter,
      EventLoop loop,
      ModuleRegistry modules) {
    this.runtime = runtime;
    this.mailbox = mailbox;
    this.references = references;
    this.values = values;
    this.reply = new ValueWriter(references, 4 << 10);
    this.hosts = hosts;
    this.members = new HostMembers(converter);
    this.immutables = new ImmutableMembers(methodIds, members, runtime::lent);
    reply.known(immutables);
    this.loop = loop;
    this.modules = modules;
  }

  /** A token no runtime has had yet, for {@code qjs_runtime_new}. */
  public static int newToken() {
    return TOKENS.incrementAndGet();
  }

  /** From now on the shim's host calls with this token come here. */
  public void register(int token) {
    BY_TOKEN.put(token, new TokenRef(this, token));
  }

  /** The runtime with this token was freed. */
  public static void unregister(int token) {
    BY_TOKEN.remove(token);
    TokenRef ref = last;
    if (ref != null && ref.token == token) {
      last = null;
    }
  }

  private static int dispatch(int token, int op, long a, long data, int len) {
    TokenRef ref = last;
    if (ref == null || ref.token != token) {
      ref = BY_TOKEN.get(token);
      if (ref == null) {
        return QuickJsNative.REPLY_OK; // the runtime is being freed: nothing to release or print
      }
      last = ref;
    }
    HostCalls calls = ref.get();
    if (calls == null) {
      return QuickJsNative.REPLY_OK;
    }
    try {
      int rc = calls.onHostCall(op, a, calls.hostArguments(data, len));
      HostFrameNames profiled = calls.runtime.cpuProfileRecording();
      if (profiled != null) {
        calls.nameProfiledCall(profiled, op, a);
      }
      return rc;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError fatal) {
        // a JVM error (StackOverflowError, OutOfMemoryError) ends the call: the script is
        // stopped at its next interrupt check whatever it catches, and the call's caller gets
        // the error itself
        calls.runtime.stopForJvmError(fatal);
      }
      try {
        if (t instanceof HostMembers.Refusal refusal) {
          calls.send(calls.reply.reset().string(Objects.requireNonNull(refusal.getMessage())));
          return QuickJsNative.REPLY_TYPE_ERROR;
        }
        Object jsError = ThrownValue.of(t, calls.references);
        if (jsError != null) {
          calls.send(ThrownValue.write(calls.reply.reset(), jsError));
          return QuickJsNative.REPLY_RETHROW;
        }
        return calls.replyThrowable(t);
      } catch (Throwable ignored) {
        return QuickJsNative.REPLY_THREW;
      }
    }
  }

  /**
   * A view of the shim's callback-argument buffer: its address rarely changes, so one view is
   * kept and reused (making a direct buffer is a JNI call).
   */
  private ByteBuffer hostArguments(long data, int len) {
    if (data == 0 || len <= 0) {
      return ByteBuffer.allocate(0);
    }
    ByteBuffer view = argsView;
    if (view == null || data != argsViewAddress || view.capacity() < len) {
      view = new Pointer(data).getByteBuffer(0, Math.max(len, 256)).order(ByteOrder.nativeOrder());
      argsView = view;
      argsViewAddress = data;
    }
    // nested host calls (and calls of another thread borrowing the runtime) reuse the view:
    // every operation decodes all its arguments before it runs Java code that could nest
    view.clear().limit(len);
    return view;
  }

  private void replyNone() {
    mailbox.reply(0, 0);
  }

  private int send(ValueWriter w) {
    mailbox.reply(w.address(), w.length());
    return QuickJsNative.REPLY_OK;
  }

  private int replyThrowable(Throwable t) {
    if (t instanceof HostMembers.HostCallException && t.getCause() != null) {
      t = t.getCause(); // a checked exception of a host method, as it was thrown
    }
    ValueWriter w = reply.reset();
    w.i32(hosts.acquire(t));
    String m = t.getMessage();
    w.string(m != null ? m : t.getClass().getName());
    send(w);
    return QuickJsNative.REPLY_THREW;
  }

  // ---------------------------------------------------------------- CPU profile frames

  /** The Java method the last host call that named one ran (read only while a profile records). */
  private @Nullable String profiledMethod;

  /** Tells the shim the frame name of the host call that is returning (a CPU profile records). */
  private void nameProfiledCall(HostFrameNames names, int op, long a) {
    Object target = null;
    if (op >= QuickJsNative.OP_HOST_TO_STRING && op <= QuickJsNative.OP_HOST_CALL
        || op == QuickJsNative.OP_HOST_INVOKE_METHOD) {
      try {
        target = hosts.get((int) a);
      } catch (IllegalStateException released) {
        target = null;
      }
    }
    String method = op == QuickJsNative.OP_HOST_INVOKE || op == QuickJsNative.OP_HOST_INVOKE_METHOD
        ? profiledMethod : null;
    mailbox.setRelease(QuickJsNative.MB_PROFILE_HOST, names.idOf(op, target, method));
  }

  private int onHostCall(int op, long a, ByteBuffer args) throws IOException {
    Realm realm = runtime.realmAt(mailbox.get(QuickJsNative.MB_REALM));
    // the operations a script makes all the time each have a method of their own, small enough
    // for the JIT to compile with what they call
    if (op == QuickJsNative.OP_HOST_INVOKE_METHOD) {
      return invokeMethod(a, args, realm);
    }
    if (op == QuickJsNative.OP_HOST_GET) {
      return get(a, args);
    }
    switch (op) {
      case QuickJsNative.OP_PRINT: {
        int argc = args.getInt();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argc; i++) {
          if (i > 0) {
            sb.append(' ');
          }
          sb.append((String) values.read(args, realm));
        }
        sb.append(System.lineSeparator());
        replyNone();
        ScriptContext ctx = runtime.currentContext();
        Writer out = a >= QuickJsNative.PRINT_WARN ? ctx.getErrorWriter() : ctx.getWriter();
        if (out != null) {
          IOException failed = runtime.lent(() -> {
            try {
              out.write(sb.toString());
              out.flush();
              return null;
            } catch (IOException e) {
              return e;
            }
          });
          if (failed != null) {
            throw failed;
          }
        }
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_LOOKUP: {
        String name = (String) Objects.requireNonNull(values.read(args, realm));
        ScriptContext ctx = runtime.currentContext();
        Bindings global = ctx.getBindings(ScriptContext.GLOBAL_SCOPE);
        // "" is a valid property name but not a valid Bindings key (SimpleBindings throws)
        if (global == null || name.isEmpty() || RealmBindings.isHostKey(name)) {
          return send(reply.reset().u8(0));
        }
        Object[] found = runtime.lent(() -> global.containsKey(name) ? new Object[] {global.get(name)} : null);
        return found == null ? send(reply.reset().u8(0)) : send(reply.reset().u8(1).value(found[0]));
      }
      case QuickJsNative.OP_READ_LINE: {
        Reader r = runtime.currentContext().getReader();
        Object line = r == null ? null : runtime.lent(() -> {
          try {
            return readLine(r);
          } catch (IOException e) {
            return e;
          }
        });
        if (line instanceof IOException e) {
          throw e;
        }
        return send(reply.reset().value(line));
      }
      case QuickJsNative.OP_HOST_TO_STRING:
        {
          // String.valueOf gives back whatever toString() returns, which may be null
          Object host = hosts.get((int) a);
          String text = runtime.lent(() -> String.valueOf(host));
          return send(reply.reset().string(text != null ? text : "null"));
        }
      case QuickJsNative.OP_HOST_SET: {
        String key = (String) Objects.requireNonNull(values.read(args, null));
        Object value = values.read(args, realm);
        Object target = hosts.get((int) a);
        int lent = runtime.lend();
        try {
          members.set(target, key, value);
        } finally {
          runtime.unlend(lent);
        }
        replyNone();
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_HOST_DELETE: {
        String key = (String) Objects.requireNonNull(values.read(args, null));
        Object target = hosts.get((int) a);
        boolean deleted = runtime.lent(() -> members.delete(target, key));
        return send(reply.reset().u8(deleted ? 1 : 0));
      }
      case QuickJsNative.OP_HOST_KEYS: {
        Object target = hosts.get((int) a);
        List<String> keys = runtime.lent(() -> members.keys(target));
        ValueWriter w = reply.reset().i32(keys.size());
        for (String k : keys) {
          w.string(k);
        }
        return send(w);
      }
      case QuickJsNative.OP_HOST_INVOKE: {
        String name = (String) Objects.requireNonNull(values.read(args, realm));
        Object[] argv = values.readArgs(args, realm);
        Object target = hosts.get((int) a);
        Object result = runtime.lent(() -> members.invoke(target, name, argv)); // by name: rare
        profiledMethod = name;
        return send(result == HostMembers.VOID ? reply.reset().undefined() : reply.reset().value(members.exposable(result)));
      }
      case QuickJsNative.OP_HOST_CALL: {
        int flags = args.get();
        boolean construct = (flags & QuickJsNative.CALL_CONSTRUCT) != 0;
        // a dynamic object's call comes with its this
        Object thiz = (flags & QuickJsNative.CALL_WITH_THIS) != 0 ? values.read(args, realm) : null;
        Object[] argv = values.readArgs(args, realm);
        Object target = hosts.get((int) a);
        Object result;
        int lent = runtime.lend();
        try {
          result = members.call(target, thiz, argv, construct);
        } finally {
          runtime.unlend(lent);
        }
        return send(result == HostMembers.VOID ? reply.reset().undefined() : reply.reset().value(members.exposable(result)));
      }
      case QuickJsNative.OP_PROMISE_SETTLED: {
        boolean rejected = args.get() != QuickJsNative.SETTLE_FULFIL;
        Object settlement = rejected ? runtime.errors().read(args, realm, null) : values.read(args, realm);
        replyNone();
        loop.settled(a, rejected, settlement);
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_TIMER: {
        double delay = args.getDouble();
        boolean repeat = args.get() != 0;
        replyNone();
        if (realm != null) {
          loop.schedule(realm, a, delay, repeat);
        }
        return QuickJsNative.REPLY_OK;
      }
      case QuickJsNative.OP_TIMER_CANCEL:
        replyNone();
        if (realm != null) {
          loop.cancel(realm, a);
        }
        return QuickJsNative.REPLY_OK;
      case QuickJsNative.OP_MODULE_RESOLVE: {
        Object referrer = values.read(args, realm);
        String specifier = (String) Objects.requireNonNull(values.read(args, realm));
        String id = modules.resolve(
            specifier, referrer instanceof String r ? r : runtime.currentFile(), a == QuickJsNative.MODULE_REQUIRE,
            moduleLoader());
        return send(reply.reset().string(id));
      }
      case QuickJsNative.OP_MODULE_LOAD: {
        String id = (String) Objects.requireNonNull(values.read(args, realm));
        ValueWriter w = reply.reset();
        modules.load(id, w, moduleLoader());
        return send(w);
      }
      case QuickJsNative.OP_SCRIPT_LOAD:
        return loadScript(a, args, realm);
      case QuickJsNative.OP_MAP_STACK: {
        Object raw = values.read(args, realm);
        Object defs = values.read(args, realm);
        ValueWriter w = reply.reset();
        w.string(runtime.diagnostics().mapStack(String.valueOf(raw), String.valueOf(defs)));
        return send(w);
      }
      case QuickJsNative.OP_DEBUGGER:
        return debuggerStatement(args, realm);
      case QuickJsNative.OP_DEBUG_STOP: {
        int[] answer = runtime.debugger().onStop((int) a, args); // nested host calls run first
        ValueWriter w = reply.reset();
        for (int v : answer) {
          w.i32(v);
        }
        return send(w);
      }
      case QuickJsNative.OP_HOST_MODULE: {
        String id = (String) Objects.requireNonNull(values.read(args, realm));
        ValueWriter w = reply.reset();
        modules.exports(id, w);
        return send(w);
      }
      default:
        replyNone();
        return QuickJsNative.REPLY_OK;
    }
  }

  /** The module loader of the current call's settings (see {@link ModuleRegistry#loaderFor}). */
  private ModuleLoader moduleLoader() {
    return modules.loaderFor(runtime.currentContext().getBindings(ScriptContext.ENGINE_SCOPE));
  }

  /**
   * OP_SCRIPT_LOAD: the file a script's load() or loadWithNewGlobal() names, found through the
   * module loaders and read, and for the latter a new realm, kept as long as the calling one (its
   * values may live on there). A path no loader allows is a TypeError, as in Nashorn.
   */
  private int loadScript(long a, ByteBuffer args, @Nullable Realm realm) {
    Object path = values.read(args, realm);
    Object referrer = values.read(args, realm);
    if (realm == null) {
      throw new IllegalStateException("load() called from a realm that is gone");
    }
    boolean newGlobal = a == QuickJsNative.LOAD_NEW_GLOBAL;
    String function = newGlobal ? "loadWithNewGlobal" : "load";
    ModuleSource source = null;
    if (path != null) {
      try {
        ModuleLoader loader = moduleLoader();
        source = ScriptFiles.read(modules, loader, function, path.toString(),
            referrer instanceof String r ? r : runtime.currentFile());
        runtime.noteLoaded(source, loader);
      } catch (IllegalArgumentException e) {
        throw new HostMembers.Refusal(Objects.requireNonNull(e.getMessage()));
      }
    }
    Realm fresh = null;
    if (newGlobal) {
      fresh = runtime.newRealm();
      realm.keep(fresh);
    }
    ValueWriter w = reply.reset();
    w.string(source == null ? "" : source.id()).string(source == null ? "" : source.text());
    if (fresh != null) {
      w.i64(fresh.pointer());
    }
    return send(w);
  }

  /**
   * OP_DEBUGGER: a {@code debugger;} statement; the registered handler runs with the engine lent
   * (it may call the engine), and what it throws is thrown from the statement.
   */
  private int debuggerStatement(ByteBuffer args, @Nullable Realm realm) {
    String stack = String.valueOf(values.read(args, realm));
    String defs = String.valueOf(values.read(args, realm));
    String vars = String.valueOf(values.read(args, realm));
    replyNone();
    ScriptDiagnostics diagnostics = runtime.diagnostics();
    Consumer<DebuggerStatement> handler = diagnostics.debuggerHandler();
    if (handler != null) {
      DebuggerStatement stop = diagnostics.debuggerStatement(stack, defs, vars, hosts::get);
      runtime.lent(() -> {
        handler.accept(stop);
        return null;
      });
    }
    return QuickJsNative.REPLY_OK;
  }

  /** OP_HOST_INVOKE_METHOD: the method a method id names, called on a Java object. */
  private int invokeMethod(long a, ByteBuffer args, @Nullable Realm realm) {
    int id = args.getInt();
    boolean wantsKnown = args.get() != 0;
    String name = methodIds.nameOf(id);
    MethodGroup group = methodIds.groupOf(id);
    Object[] argv = values.readArgs(args, realm);
    Object target = hosts.get((int) a);
    if (name == null) {
      throw new IllegalStateException("no such method id");
    }
    // the shim calls a method id only on objects of the class it was given for, so the
    // group's class checks (blocked class, forbidden name) hold; a map may have an entry of
    // the name by now, which then is what the script calls
    Object result;
    int lent = runtime.lend();
    try {
      result = target instanceof Map<?, ?> map && HostMembers.hasEntry(map, name)
          ? SHADOWED
          : group != null ? group.invoke(target, argv) : members.invoke(target, name, argv);
    } finally {
      runtime.unlend(lent);
      profiledMethod = name; // after any nested host call: the name of this call's frame
    }
    if (result == SHADOWED) {
      // an entry of this map has the name: the shim calls it
      return send(reply.reset().u8(QuickJsNative.INVOKE_SHADOWED));
    }
    // an immutable object the shim knows nothing of yet: what it may keep of it comes along
    boolean immutable = ImmutableMembers.isImmutable(target); // one look-up for a mutable object
    boolean known = wantsKnown && immutable;
    ValueWriter w = reply.reset();
    Object value = result == HostMembers.VOID ? result : members.exposable(result);
    if (value == HostMembers.VOID) {
      w.u8(known ? QuickJsNative.INVOKE_KNOWN : 0).undefined();
    } else {
      boolean stable = immutable && ImmutableMembers.isStable(target, name, argv.length) && w.isStable(value);
      w.u8((stable ? QuickJsNative.INVOKE_STABLE : 0) | (known ? QuickJsNative.INVOKE_KNOWN : 0)).value(value);
    }
    if (known) {
      // the call just made is not made again for it
      immutables.write(target, w, argv.length == 0 ? name : null, value);
    }
    return send(w);
  }

  /** OP_HOST_GET: a member of a Java object (a value, a method's id, or what is missing). */
  private int get(long a, ByteBuffer args) {
    String key = (String) Objects.requireNonNull(values.read(args, null));
    int mode = args.hasRemaining() ? args.get() : QuickJsNative.GET_VALUE;
    boolean wantsKnown = args.hasRemaining() && args.get() != 0;
    Object target = hosts.get((int) a);
    Object member;
    int lent = runtime.lend();
    try {
      member = members.get(target, key, mode);
    } finally {
      runtime.unlend(lent);
    }
    if (member == HostMembers.ABSENT) {
      return send(reply.reset().u8(QuickJsNative.GOT_NONE));
    }
    if (member == HostMembers.METHOD) {
      int method =
          mode == QuickJsNative.GET_CALL && ClassMethodIds.classIdOf(target) != 0
              ? methodIds.idOf(target, key, members)
              : -1;
      return send(reply.reset().u8(QuickJsNative.GOT_METHOD).i32(method));
    }
    if (member == HostMembers.DESCRIBED) {
      return send(reply.reset().u8(QuickJsNative.GOT_GETTER));
    }
    if (member instanceof HostMembers.Missing missing) {
      return send(reply.reset().u8(QuickJsNative.GOT_NO_METHOD).string(missing.message()));
    }
    ValueWriter w = reply.reset().knownReads(true);
    // a read of an immutable object the shim may keep, and answer itself from then on
    boolean stable = mode == QuickJsNative.GET_VALUE && ImmutableMembers.isStableRead(target, key)
        && w.isStable(member);
    w.u8(stable ? QuickJsNative.GOT_STABLE_VALUE : QuickJsNative.GOT_VALUE).value(member);
    if (stable && wantsKnown) {
      immutables.write(target, w, key, member); // what the shim may keep of the object, asked for
    }
    return send(w);
  }

  private static @Nullable String readLine(Reader r) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = r.read()) >= 0) {
      if (c == '\n') {
        return sb.toString();
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }
}
