package dev.qjs.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qjs.JsObject;
import java.util.List;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * marked 17.0.1, an ES-module-only package, from its WebJar: the HTML for a small GitHub-flavoured
 * document is exactly what Node 20 gives with the same files.
 */
class MarkedTest {
  private static final String DOC =
      """
      # Release notes

      QuickJS runs **real** packages: _marked_, [dayjs](https://day.js.org) and `lodash`.

      - one
      - two
        1. nested

      | engine | ms |
      |:--|--:|
      | quickjs | 12 |

      ```js
      if (a < b) print("<ok>");
      ```

      > quoted ~~text~~
      """;

  /** What {@code marked.parse(DOC)} returns under Node 20. */
  private static final String HTML =
      """
      <h1>Release notes</h1>
      <p>QuickJS runs <strong>real</strong> packages: <em>marked</em>, <a href="https://day.js.org">dayjs</a> \
      and <code>lodash</code>.</p>
      <ul>
      <li>one</li>
      <li>two<ol>
      <li>nested</li>
      </ol>
      </li>
      </ul>
      <table>
      <thead>
      <tr>
      <th align="left">engine</th>
      <th align="right">ms</th>
      </tr>
      </thead>
      <tbody><tr>
      <td align="left">quickjs</td>
      <td align="right">12</td>
      </tr>
      </tbody></table>
      <pre><code class="language-js">if (a &lt; b) print(&quot;&lt;ok&gt;&quot;);
      </code></pre>
      <blockquote>
      <p>quoted <del>text</del></p>
      </blockquote>
      """;

  private final ScriptEngine engine = PackageScripts.standardEngine();

  @AfterEach
  void close() throws Exception {
    ((AutoCloseable) engine).close();
  }

  @Test
  void importedMarkedTurnsADocumentIntoTheHtmlNodeGives() throws Exception {
    engine.put(ScriptEngine.FILENAME, "markdown.mjs");
    engine.put("doc", DOC);
    JsObject exports =
        (JsObject)
            engine.eval(
                "import { marked } from 'marked';\n"
                    + "export const html = marked.parse(doc);\n"
                    + "export const inline = marked.parseInline('a *b* <i>c</i>');\n"
                    + "export const tokens = marked.lexer('# T\\n\\ntext').map(t => t.type);");
    assertEquals(HTML, exports.get("html"));
    assertEquals("a <em>b</em> <i>c</i>", exports.get("inline"));
    assertEquals(List.of("heading", "paragraph"), ((List<?>) exports.get("tokens")).stream().toList());
  }

  @Test
  void requireOfTheEsModuleGivesItsNamespaceAndARendererCanBeReplaced() throws Exception {
    engine.eval(
        "const { Marked } = require('marked');\n"
            + "const withIds = new Marked({ renderer: {\n"
            + "  heading({ tokens, depth }) {\n"
            + "    const text = this.parser.parseInline(tokens);\n"
            + "    return `<h${depth} id=\"${text.replace(/<[^>]+>/g, '').toLowerCase().replace(/\\W+/g, '-')}\">${text}</h${depth}>\\n`;\n"
            + "  } } });\n"
            + "function toHtml(markdown) { return withIds.parse(markdown); }");
    assertEquals(
        "<h2 id=\"hi-there\">Hi <em>there</em></h2>\n",
        ((Invocable) engine).invokeFunction("toHtml", "## Hi *there*"));
  }
}
