/** quickjs-jsr223: a javax.script engine for JavaScript on QuickJS. */
module dev.qjs {
  requires transitive java.scripting;
  requires com.sun.jna;
  requires static org.jspecify;
  requires static com.fasterxml.jackson.databind;

  exports dev.qjs;

  uses dev.qjs.HostModule;

  provides javax.script.ScriptEngineFactory with
      dev.qjs.QuickJsScriptEngineFactory;
}
