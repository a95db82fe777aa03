package dev.qjs;

/**
 * QuickJS's own memory statistics for one engine, as {@code JS_ComputeMemoryUsage} reports them:
 * bytes and counts of what its heap holds. Native memory outside QuickJS's allocator (the JVM,
 * JNA, the C library's arenas) is not included.
 *
 * <pre>{@code
 * MemoryUsage m = engine.memoryUsage();
 * System.out.println(m.mallocSize() + " bytes in " + m.objectCount() + " objects");
 * }</pre>
 *
 * @param mallocSize bytes allocated
 * @param mallocLimit the memory limit in bytes, or -1 for none
 * @param memoryUsedSize bytes in use by QuickJS's structures
 * @param mallocCount number of allocations
 * @param memoryUsedCount number of structures
 * @param atomCount atoms (interned property names and strings)
 * @param atomSize bytes of atoms
 * @param stringCount strings
 * @param stringSize bytes of strings
 * @param objectCount objects
 * @param objectSize bytes of objects
 * @param propertyCount properties
 * @param propertySize bytes of properties
 * @param shapeCount shapes (hidden classes)
 * @param shapeSize bytes of shapes
 * @param functionCount JavaScript functions
 * @param functionSize bytes of function objects
 * @param functionCodeSize bytes of bytecode
 * @param lineNumberTableCount line number tables
 * @param lineNumberTableSize bytes of line number tables
 * @param cFunctionCount functions implemented in C
 * @param arrayCount arrays
 * @param fastArrayCount arrays stored densely
 * @param fastArrayElements elements of dense arrays
 * @param binaryObjectCount ArrayBuffers and typed arrays
 * @param binaryObjectSize bytes of their data
 */
public record MemoryUsage(
    long mallocSize,
    long mallocLimit,
    long memoryUsedSize,
    long mallocCount,
    long memoryUsedCount,
    long atomCount,
    long atomSize,
    long stringCount,
    long stringSize,
    long objectCount,
    long objectSize,
    long propertyCount,
    long propertySize,
    long shapeCount,
    long shapeSize,
    long functionCount,
    long functionSize,
    long functionCodeSize,
    long lineNumberTableCount,
    long lineNumberTableSize,
    long cFunctionCount,
    long arrayCount,
    long fastArrayCount,
    long fastArrayElements,
    long binaryObjectCount,
    long binaryObjectSize) {

  static MemoryUsage of(long[] v) {
    return new MemoryUsage(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
        v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25]);
  }
}
