package dev.qjs.internal.debug;

/**
 * A variable, property or evaluated value, rendered.
 *
 * @param name the variable's name, property key or index
 * @param value the bounded rendering ({@code 42}, {@code "text"}, {@code Object {a: 1, …}},
 *     {@code Array(3)}, {@code java.time.LocalDate 2024-01-01}, {@code [accessor]})
 * @param type the JavaScript type ({@code number}, {@code string}, {@code object}, {@code
 *     function}, …) or the Java class of a host object
 * @param reference a variables reference when it expands, else 0
 */
public record DebugVariable(String name, String value, String type, long reference) {}
