package dev.qjs.internal.codec;

/**
 * Recognizes Jackson's {@code JsonNode} (2.x and 3.x) without depending on Jackson: Jackson is
 * optional, so its classes are known here only by name. A node crosses into JavaScript as its
 * JSON text, parsed by QuickJS.
 */
final class JsonText {
  private static final ClassValue<Boolean> IS_JSON_NODE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            String n = k.getName();
            if (n.equals("com.fasterxml.jackson.databind.JsonNode")
                || n.equals("tools.jackson.databind.JsonNode")) {
              return true;
            }
          }
          return false;
        }
      };

  private JsonText() {}

  static boolean isJsonNode(Object v) {
    return IS_JSON_NODE.get(v.getClass());
  }
}
