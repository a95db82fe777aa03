// A fuzz finding (EvalFuzzTest#evalGeneratedProgram: the JVM died, SIGABRT in mark_children from
// JS_FreeRuntime, or SIGSEGV). QuickJS 2025-04-26's async_func_init (generators and async
// functions) puts the new JSAsyncFunctionState on the runtime's GC object list, and when the next
// allocation, the frame's arg_buf, fails under the memory limit, it frees the state with js_free
// but never takes it off the list (no remove_gc_object): a use after free in the next GC, free or
// JS_FreeRuntime.
//
// Deterministic with the ASan+UBSan library (native-libs/sanitize.sh builds it): evaluate this
// file with memoryLimit 1000600 bytes, no time limit, maxStackSize 256 KiB: "heap-use-after-free
// ... in list_del ... __JS_FreeValueRT", freed by async_func_init. The release library's memory
// accounting differs; under EvalFuzzTest's limits the JVM dies within a few evaluations of
// programs like this one. Fixed by build-time patch 6; LimitsTest$MemoryLimitInsideQuickJs sweeps
// the memory limits that reach the path. Every build replays this file.
for (let i = 0; i < 100000; i++) { (async () => { await 1; var b = encodeURIComponent([1,1,1,1,1,1,1,1]) })() }
