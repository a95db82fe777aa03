package dev.qjs.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.mock.web.MockServletContext;
import org.springframework.stereotype.Controller;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.context.support.GenericWebApplicationContext;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.ViewResolverRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.view.script.ScriptTemplateConfigurer;

/**
 * Spring MVC's {@code ScriptTemplateView} rendering real Handlebars and Mustache (from their
 * WebJars, unmodified) on this engine, configured the way Spring's reference documentation
 * configures them for Nashorn, with only the engine name changed to {@code "quickjs"}: an
 * {@code @EnableWebMvc} configuration with {@code registry.scriptTemplate()} and a
 * {@code ScriptTemplateConfigurer} bean, a controller filling a {@code Model}, requests through
 * {@code MockMvc}. The model reaches the templates as Spring's Java {@code Map}, unconverted.
 *
 * <p>Mustache repeats a section, and Handlebars' {@code {{#if list}}} and {@code {{#list}}} decide
 * "is this a list?", with {@code Array.isArray} alone: Java lists and arrays pass it in this
 * engine, so the documented setups render whole pages, lists included.
 */
class ScriptTemplateViewTest {
  /** Spring's INFO lines (two per MockMvc set-up) tell nothing here. */
  private static final Logger SPRING_LOG = quietSpring();

  private static Logger quietSpring() {
    Logger log = Logger.getLogger("org.springframework");
    log.setLevel(Level.WARNING);
    return log;
  }

  // ------------------------------------------------------------------ the model's Java types

  /** A record in a list: its components are read as properties. */
  public record Item(String name, int price) {}

  /** A bean with a nested Map: getters are read as properties. */
  public static final class Person {
    private final String name;
    private final Map<String, Object> address;

    public Person(String name, Map<String, Object> address) {
      this.name = name;
      this.address = address;
    }

    public String getName() {
      return name;
    }

    public Map<String, Object> getAddress() {
      return address;
    }
  }

  @Controller
  public static class PageController {
    @GetMapping("/page")
    public String page(@RequestParam(name = "user", defaultValue = "world") String user, Model model) {
      fill(user, model);
      return "page";
    }

    /** Array idioms beyond {{#each}}: see {@link #handlebarsArrayIdiomsOnJavaLists}. */
    @GetMapping("/idioms")
    public String idioms(Model model) {
      fill("world", model);
      return "idioms";
    }

    private static void fill(String user, Model model) {
      Map<String, Object> address = new LinkedHashMap<>();
      address.put("city", "Lyon");
      address.put("country", "France");
      List<Object> items = new ArrayList<>();
      items.add(new Item("Tea", 3));
      items.add(new Item("Cake", 5));
      Map<String, Object> third = new LinkedHashMap<>();
      third.put("name", "Jam <homemade>");
      third.put("price", 7);
      items.add(third);
      model.addAttribute("title", "Tom & <b>Jerry</b>");
      model.addAttribute("user", user);
      model.addAttribute("trusted", "<em>kept as is</em>");
      model.addAttribute("owner", new Person("Ada", address));
      model.addAttribute("items", items);
      model.addAttribute("tags", new String[] {"new", "sale"});
      model.addAttribute("noItems", List.of());
    }
  }

  /** Spring's documented MVC setup: {@code registry.scriptTemplate()}. */
  @Configuration
  @EnableWebMvc
  public static class WebConfig implements WebMvcConfigurer {
    @Override
    public void configureViewResolvers(ViewResolverRegistry registry) {
      registry.scriptTemplate().suffix(".html");
    }

    @Bean
    public PageController pageController() {
      return new PageController();
    }
  }

  // ------------------------------------------------------------------ the two documented setups

  /** Spring's Handlebars setup: polyfill.js, handlebars.js, render.js, renderFunction "render". */
  static ScriptTemplateConfigurer handlebars(boolean sharedEngine) {
    ScriptTemplateConfigurer configurer = new ScriptTemplateConfigurer();
    configurer.setEngineName("quickjs");
    configurer.setScripts("polyfill.js", "handlebars.js", "render.js");
    configurer.setRenderFunction("render");
    configurer.setSharedEngine(sharedEngine);
    // our polyfill.js, render.js and page.html, then the WebJar's dist/handlebars.js
    configurer.setResourceLoaderPath(
        "classpath:dev/qjs/spring/handlebars/," + webJarDir("handlebars", "dist/handlebars.js"));
    return configurer;
  }

  /** Spring's Mustache setup: mustache.js, renderObject "Mustache", renderFunction "render". */
  static ScriptTemplateConfigurer mustache(boolean sharedEngine) {
    ScriptTemplateConfigurer configurer = new ScriptTemplateConfigurer();
    configurer.setEngineName("quickjs");
    configurer.setScripts("mustache.js");
    configurer.setRenderObject("Mustache");
    configurer.setRenderFunction("render");
    configurer.setSharedEngine(sharedEngine);
    configurer.setResourceLoaderPath(
        "classpath:dev/qjs/spring/mustache/," + webJarDir("mustache", "mustache.js"));
    return configurer;
  }

  /** The WebJar folder holding {@code file}, whatever the WebJar's version. */
  static String webJarDir(String name, String file) {
    try {
      Resource[] found =
          new PathMatchingResourcePatternResolver()
              .getResources("classpath*:META-INF/resources/webjars/" + name + "/*/" + file);
      assertEquals(1, found.length, "one " + name + " WebJar on the test class path");
      Matcher m =
          Pattern.compile("(META-INF/resources/webjars/" + name + "/[^/]+/)" + Pattern.quote(file) + "$")
              .matcher(found[0].getURL().toString());
      assertTrue(m.find(), found[0].toString());
      String dir = m.group(1) + file.substring(0, file.lastIndexOf('/') + 1);
      return "classpath:" + dir;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static MockMvc mvc(ScriptTemplateConfigurer configurer) {
    GenericWebApplicationContext context = new GenericWebApplicationContext(new MockServletContext());
    AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
    context.registerBean(WebConfig.class);
    context.registerBean("scriptTemplateConfigurer", ScriptTemplateConfigurer.class, () -> configurer);
    context.refresh();
    return MockMvcBuilders.webAppContextSetup(context).build();
  }

  static String render(MockMvc mvc, String user) throws Exception {
    MvcResult result = mvc.perform(get("/page").param("user", user)).andReturn();
    assertEquals(200, result.getResponse().getStatus());
    assertEquals("text/html;charset=UTF-8", result.getResponse().getContentType());
    return result.getResponse().getContentAsString();
  }

  // ------------------------------------------------------------------ what a page must show

  /** The model's values, escaping and nesting: no Java list involved. */
  static void assertValues(String html, String user) {
    // values, with HTML escaping (both libraries escape & < > " ' ` =; Mustache also /)
    assertTrue(html.contains("<title>Tom &amp; &lt;b&gt;Jerry&lt;"), html);
    assertFalse(html.contains("<b>Jerry"), html);
    assertTrue(html.contains("<p class=\"user\">Hello, " + user + "!</p>"), html);
    // triple-stash: no escaping
    assertTrue(html.contains("<div class=\"trusted\"><em>kept as is</em></div>"), html);
    // a bean's getter, then a Map inside it
    assertTrue(html.contains("<p class=\"owner\">Ada lives in Lyon (France)</p>"), html);
    // a block whose context is the bean
    assertTrue(html.contains("<p class=\"with\">Ada again</p>"), html);
    assertTrue(html.endsWith("</body>\n</html>\n"), html);
  }

  /** The model's Java lists iterated. */
  static void assertLists(String html, String items) {
    // a java.util.List of a record, a record and a Map, in order
    assertTrue(html.contains(items), html);
    // a Java String[] iterated
    assertTrue(html.contains("<ol class=\"tags\"><li>new</li><li>sale</li></ol>"), html);
    // an empty java.util.List is "nothing to show"
    assertTrue(html.contains("<p class=\"none\">no extras</p>"), html);
    assertFalse(html.contains("unexpected"), html);
    assertFalse(html.contains("[object"), html);
    assertFalse(html.contains("[L"), html);
    assertFalse(html.contains("undefined"), html);
  }

  static final String HANDLEBARS_ITEMS =
      "<ul class=\"items\">\n"
          + "  <li data-index=\"0\">Tea costs 3</li>\n"
          + "  <li data-index=\"1\">Cake costs 5</li>\n"
          + "  <li data-index=\"2\">Jam &lt;homemade&gt; costs 7 (last)</li>\n"
          + "</ul>";

  static final String MUSTACHE_ITEMS =
      "<ul class=\"items\">\n"
          + "  <li>Tea costs 3</li>\n"
          + "  <li>Cake costs 5</li>\n"
          + "  <li>Jam &lt;homemade&gt; costs 7</li>\n"
          + "</ul>";

  static void assertHandlebarsPage(String html, String user) {
    assertValues(html, user);
    assertTrue(html.contains("&lt;b&gt;Jerry&lt;/b&gt;</title>"), html);
    assertLists(html, HANDLEBARS_ITEMS);
  }

  static void assertMustacheValues(String html, String user) {
    assertValues(html, user);
    assertTrue(html.contains("&lt;b&gt;Jerry&lt;&#x2F;b&gt;</title>"), html);
  }

  static void assertMustachePage(String html, String user) {
    assertMustacheValues(html, user);
    assertLists(html, MUSTACHE_ITEMS);
  }

  // ------------------------------------------------------------------ tests

  @ParameterizedTest(name = "sharedEngine={0}")
  @ValueSource(booleans = {true, false})
  void handlebarsRendersThePage(boolean sharedEngine) throws Exception {
    MockMvc mvc = mvc(handlebars(sharedEngine));
    assertHandlebarsPage(render(mvc, "Ann"), "Ann");
    // again: the compiled template is reused, the new model is used
    assertHandlebarsPage(render(mvc, "Bob &amp; co"), "Bob &amp;amp; co");
  }

  /**
   * Spring's documented Mustache setup, unchanged but for the engine name. Values, escaping and
   * nesting are checked always; the Java lists' sections only once the engine shows Java lists
   * to {@code Array.isArray} as arrays (skipped until then, with the reason).
   */
  @ParameterizedTest(name = "sharedEngine={0}")
  @ValueSource(booleans = {true, false})
  void mustacheRendersThePage(boolean sharedEngine) throws Exception {
    MockMvc mvc = mvc(mustache(sharedEngine));
    String ann = render(mvc, "Ann");
    String bob = render(mvc, "Bob &amp; co");
    assertMustacheValues(ann, "Ann");
    assertMustacheValues(bob, "Bob &amp;amp; co");
    assertMustachePage(ann, "Ann");
    assertMustachePage(bob, "Bob &amp;amp; co");
  }

  /**
   * Handlebars idioms that, like Mustache sections, ask {@code Array.isArray}: {@code {{#if
   * emptyList}}} (an empty array is false) and {@code {{#list}}} (a block over an array
   * repeats). Spring's documented Handlebars setup.
   */
  @ParameterizedTest(name = "sharedEngine={0}")
  @ValueSource(booleans = {true, false})
  void handlebarsArrayIdiomsOnJavaLists(boolean sharedEngine) throws Exception {
    MockMvc mvc = mvc(handlebars(sharedEngine));
    MvcResult result = mvc.perform(get("/idioms")).andReturn();
    assertEquals(200, result.getResponse().getStatus());
    String html = result.getResponse().getContentAsString();
    assertTrue(html.contains("<p class=\"if\">no extras</p>"), html);
    assertTrue(
        html.contains("<p class=\"block\">[Tea][Cake][Jam &lt;homemade&gt;]</p>"), html);
  }

  @ParameterizedTest(name = "sharedEngine={0}")
  @ValueSource(booleans = {true, false})
  void handlebarsRendersFromFourThreads(boolean sharedEngine) throws Exception {
    MockMvc mvc = mvc(handlebars(sharedEngine));
    renderConcurrently(mvc, ScriptTemplateViewTest::assertHandlebarsPage);
  }

  /** Documented Mustache setup from 4 threads, lists included. */
  @ParameterizedTest(name = "sharedEngine={0}")
  @ValueSource(booleans = {true, false})
  void mustacheRendersFromFourThreads(boolean sharedEngine) throws Exception {
    MockMvc mvc = mvc(mustache(sharedEngine));
    renderConcurrently(mvc, ScriptTemplateViewTest::assertMustachePage);
  }

  /** The scripts Spring loads are the WebJars' own files, whose versions their paths name. */
  @Test
  void theTemplateLibrariesAreTheWebJarsOwn() throws Exception {
    ScriptEngine engine = new ScriptEngineManager().getEngineByName("quickjs");
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    String handlebarsDir = webJarDir("handlebars", "dist/handlebars.js");
    String mustacheDir = webJarDir("mustache", "mustache.js");
    engine.eval("var window = {};");
    engine.eval(resolver.getResource(handlebarsDir + "handlebars.js").getContentAsString(UTF_8));
    engine.eval(resolver.getResource(mustacheDir + "mustache.js").getContentAsString(UTF_8));
    assertTrue(handlebarsDir.endsWith("/" + engine.eval("Handlebars.VERSION") + "/dist/"), handlebarsDir);
    assertTrue(mustacheDir.endsWith("/" + engine.eval("Mustache.version") + "/"), mustacheDir);
  }

  interface PageCheck {
    void check(String html, String user);
  }

  /** 4 threads, started together, each rendering pages for users of its own. */
  static void renderConcurrently(MockMvc mvc, PageCheck check) throws Exception {
    int threads = 4;
    int rendersPerThread = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rendersPerThread; i++) {
                    String user = "user-" + thread + "-" + i;
                    check.check(render(mvc, user), user);
                  }
                  return rendersPerThread;
                }));
      }
      start.countDown();
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(120, TimeUnit.SECONDS); // rethrows any failure of that thread
      }
      assertEquals(threads * rendersPerThread, total);
    } finally {
      pool.shutdownNow();
    }
  }
}
