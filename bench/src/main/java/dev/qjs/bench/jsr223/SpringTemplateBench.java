package dev.qjs.bench.jsr223;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The call Spring's {@code ScriptTemplateView} makes for each page:
 * {@code invokeFunction("render", template, model, url)}, a JS {@code render} that compiles the
 * Handlebars template once per url (cached in JS) and renders it. The page is the one of
 * {@link HandlebarsBench} (js/page.js, 23,919 chars, checked). {@link #renderJavaModel}: the
 * model is Java data as a Spring controller hands it over ({@code HashMap}, {@code ArrayList},
 * {@code Integer}, {@code Boolean}, {@code String}), built once from the page's JSON;
 * {@link #renderJavaModelAllowProto}: the same with Handlebars' runtime option
 * {@code allowProtoPropertiesByDefault}; {@link #renderJsModel}: the same call with the JS object
 * model of HandlebarsBench. The ratio Java model ÷ JS model is what reading a Java model costs
 * Handlebars. Renders per second. Handlebars 4.7 reads only a model's own properties: the Java
 * model renders in quickjs (both forms) and GraalJS (with the option) only; elsewhere the page
 * comes out empty or Handlebars throws, so run.sh leaves those out (README, workload 16).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpringTemplateBench {
  static final String URL = "classpath:templates/page.hbs";

  /** Spring's documented shape of a Handlebars render function, compiling once per url. */
  public static final String RENDER =
      "var compiledTemplates = {};\n"
          + "function render(template, model, url) {\n"
          + "  var key = '' + url, compiled = compiledTemplates[key];\n"
          + "  if (!compiled) compiledTemplates[key] = compiled = Handlebars.compile('' + template);\n"
          + "  return compiled(model);\n"
          + "}\n"
          // the same with Handlebars' runtime option that lets it read properties that are not
          // the model's own (what Nashorn and GraalJS need for a Java Map model)
          + "function renderAllowProto(template, model, url) {\n"
          + "  var key = '' + url, compiled = compiledTemplates[key];\n"
          + "  if (!compiled) compiledTemplates[key] = compiled = Handlebars.compile('' + template);\n"
          + "  return compiled(model, { allowProtoPropertiesByDefault: true });\n"
          + "}\n";

  @Param({"quickjs"})
  public String engine;

  private ScriptEngine js;
  private Invocable invocable;
  private String template;
  private Map<String, Object> javaModel;
  private Object jsModel;
  private Object lastJava;
  private Object lastJs;

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    js = Engines.create(engine);
    Engines.eval(js, "prelude.js", Engines.resource("prelude.js"));
    Engines.eval(js, "handlebars.js", Engines.fetched("handlebars.js"));
    Engines.eval(js, "page.js", Engines.resource("page.js"));
    Engines.eval(js, "render.js", RENDER);
    invocable = (Invocable) js;
    Engines.check("setupPage()", invocable.invokeFunction("setupPage"), HandlebarsBench.PAGE_LENGTH);
    template = (String) js.get("PAGE_TEMPLATE");
    String json = (String) invocable.invokeFunction("pageModelJson");
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) new Json(json).value();
    javaModel = m;
    jsModel = js.eval("JSON.parse(pageModelJson())");
    HandlebarsBench.check("render(template, jsModel, url)", renderJsModel());
    // only where the Java model is measured: Nashorn and Rhino cannot render it (README)
    if (params.getBenchmark().endsWith(".renderJavaModel")) {
      HandlebarsBench.check("render(template, javaModel, url)", renderJavaModel());
    }
    if (params.getBenchmark().endsWith(".renderJavaModelAllowProto")) {
      HandlebarsBench.check("renderAllowProto(template, javaModel, url)", renderJavaModelAllowProto());
    }
  }

  @Benchmark
  public Object renderJavaModel() throws Exception {
    return lastJava = invocable.invokeFunction("render", template, javaModel, URL);
  }

  @Benchmark
  public Object renderJavaModelAllowProto() throws Exception {
    return lastJava = invocable.invokeFunction("renderAllowProto", template, javaModel, URL);
  }

  @Benchmark
  public Object renderJsModel() throws Exception {
    return lastJs = invocable.invokeFunction("render", template, jsModel, URL);
  }

  @TearDown(Level.Iteration)
  public void checkLast() {
    if (lastJava != null) {
      HandlebarsBench.check("render(template, javaModel, url) while measuring", lastJava);
    }
    if (lastJs != null) {
      HandlebarsBench.check("render(template, jsModel, url) while measuring", lastJs);
    }
    lastJava = null;
    lastJs = null;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Engines.close(js);
  }

  /**
   * Just enough JSON for the page's model (objects, arrays, strings with escapes, integers,
   * booleans, null): objects become {@code HashMap}, arrays {@code ArrayList}, integers
   * {@code Integer}.
   */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      Object v = read();
      skip();
      if (i != s.length()) {
        throw error("trailing text");
      }
      return v;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON: " + what + " at " + i);
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private Object read() {
      skip();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          Map<String, Object> m = new HashMap<>();
          i++;
          skip();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            skip();
            String k = string();
            skip();
            expect(':');
            m.put(k, read());
            skip();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[': {
          List<Object> l = new ArrayList<>();
          i++;
          skip();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(read());
            skip();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"':
          return string();
        default:
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "-0123456789".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (i == start || (i < s.length() && ".eE".indexOf(s.charAt(i)) >= 0)) {
            throw error("only integers are expected");
          }
          return Integer.valueOf(s.substring(start, i));
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw error("expected '" + c + "'");
      }
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> b.append(e);
        }
      }
    }
  }
}
