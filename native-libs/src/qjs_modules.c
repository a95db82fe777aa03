/*
 * qjs_modules.c - modules through the host's loaders: ES module names resolved and sources
 * loaded by the host (module_normalize, module_loader), require() of CommonJS, JSON, host and
 * ES modules once per realm (require.cache), and CommonJS, JSON and host modules imported from
 * ES modules as synthetic modules; Nashorn's load() and loadWithNewGlobal() of classic scripts
 * the host finds and reads.
 */
#include "qjs_private.h"

/* The id of `specifier` asked for from `referrer` (NULL: the script being run), through the
   host's loaders; a new string (JS_FreeValue) or JS_EXCEPTION. */
static JSValue module_resolve(JSContext *ctx, qjs_rt *st, JSValueConst referrer,
                              JSValueConst specifier, int require)
{
    reader reply;
    JSValue id = JS_UNDEFINED;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, referrer);
    enc_value(ctx, st, &st->up, specifier);
    if (call_host(ctx, st, QJS_OP_MODULE_RESOLVE,
                  require ? QJS_MODULE_REQUIRE : QJS_MODULE_IMPORT, &reply))
        return JS_EXCEPTION;
    if (!reply.p || dec_value(ctx, st, &reply, &id) < 0 || !JS_IsString(id)) {
        JS_FreeValue(ctx, id);
        if (!JS_HasException(ctx))
            JS_ThrowInternalError(ctx, "bad module id from the host");
        return JS_EXCEPTION;
    }
    return id;
}

char *module_normalize(JSContext *ctx, const char *base, const char *name, void *opaque)
{
    qjs_rt *st = opaque;
    JSValue referrer, specifier, id;
    const char *s;
    char *res;
    referrer = base && *base ? JS_NewString(ctx, base) : JS_UNDEFINED;
    specifier = JS_NewString(ctx, name);
    if (JS_IsException(referrer) || JS_IsException(specifier)) {
        JS_FreeValue(ctx, referrer);
        JS_FreeValue(ctx, specifier);
        return NULL;
    }
    id = module_resolve(ctx, st, referrer, specifier, 0);
    JS_FreeValue(ctx, referrer);
    JS_FreeValue(ctx, specifier);
    if (JS_IsException(id))
        return NULL;
    s = JS_ToCString(ctx, id);
    JS_FreeValue(ctx, id);
    if (!s)
        return NULL;
    res = js_strdup(ctx, s);
    JS_FreeCString(ctx, s);
    return res;
}

/* Asks the host for module `id`: its format, and the source (a new string) and, for
   CommonJS, dirname; host modules give their export names through *names / *count. */
static int module_fetch(JSContext *ctx, qjs_rt *st, JSValueConst id, int require,
                        JSValue *source, JSValue *dirname, char ***names, int32_t *count)
{
    reader reply;
    uint8_t format;
    *source = JS_UNDEFINED;
    *dirname = JS_UNDEFINED;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, id);
    if (call_host(ctx, st, QJS_OP_MODULE_LOAD,
                  require ? QJS_MODULE_REQUIRE : QJS_MODULE_IMPORT, &reply))
        return -1;
    if (!reply.p || rd_u8(&reply, &format) < 0 || format > QJS_FORMAT_HOST)
        goto bad;
    if (format == QJS_FORMAT_HOST) {
        int32_t n, i;
        if (!names) /* require(): the names are not needed */
            return format;
        if (rd_i32(&reply, &n) < 0 || n < 0 || n > 100000)
            goto bad;
        *names = js_mallocz(ctx, sizeof(char *) * (size_t)(n + 1));
        if (!*names)
            return -1;
        for (i = 0; i < n; i++) {
            JSValue nm;
            const char *c;
            if (dec_value(ctx, st, &reply, &nm) < 0 || !JS_IsString(nm)) {
                JS_FreeValue(ctx, nm);
                goto bad_names;
            }
            c = JS_ToCString(ctx, nm);
            JS_FreeValue(ctx, nm);
            if (!c)
                goto bad_names;
            (*names)[i] = js_strdup(ctx, c);
            JS_FreeCString(ctx, c);
            if (!(*names)[i])
                goto bad_names;
        }
        *count = n;
        return format;
    bad_names:
        for (i = 0; (*names)[i]; i++)
            js_free(ctx, (*names)[i]);
        js_free(ctx, *names);
        *names = NULL;
        goto bad;
    }
    if (dec_value(ctx, st, &reply, source) < 0 || !JS_IsString(*source))
        goto bad;
    if (format == QJS_FORMAT_COMMONJS &&
        (dec_value(ctx, st, &reply, dirname) < 0 || !JS_IsString(*dirname)))
        goto bad;
    return format;
bad:
    JS_FreeValue(ctx, *source);
    JS_FreeValue(ctx, *dirname);
    *source = JS_UNDEFINED;
    *dirname = JS_UNDEFINED;
    if (!JS_HasException(ctx))
        JS_ThrowInternalError(ctx, "bad module from the host");
    return -1;
}

/* The exports of a host module as one object: asks the host (one call). */
static JSValue host_module_object(JSContext *ctx, qjs_rt *st, JSValueConst id)
{
    reader reply;
    int32_t n, i;
    JSValue obj;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, id);
    if (call_host(ctx, st, QJS_OP_HOST_MODULE, 0, &reply))
        return JS_EXCEPTION;
    if (!reply.p || rd_i32(&reply, &n) < 0 || n < 0)
        return JS_ThrowInternalError(ctx, "bad host module reply");
    obj = JS_NewObject(ctx);
    if (JS_IsException(obj))
        return obj;
    for (i = 0; i < n; i++) {
        JSValue name, value;
        JSAtom atom;
        if (dec_value(ctx, st, &reply, &name) < 0 || !JS_IsString(name) ||
            dec_value(ctx, st, &reply, &value) < 0) {
            JS_FreeValue(ctx, name);
            JS_FreeValue(ctx, obj);
            if (!JS_HasException(ctx))
                JS_ThrowInternalError(ctx, "bad host module reply");
            return JS_EXCEPTION;
        }
        atom = JS_ValueToAtom(ctx, name);
        JS_FreeValue(ctx, name);
        if (atom == JS_ATOM_NULL ||
            JS_DefinePropertyValue(ctx, obj, atom, value, JS_PROP_ENUMERABLE) < 0) {
            if (atom != JS_ATOM_NULL)
                JS_FreeAtom(ctx, atom);
            JS_FreeValue(ctx, obj);
            return JS_EXCEPTION;
        }
        JS_FreeAtom(ctx, atom);
    }
    return obj;
}

static JSValue cjs_load(JSContext *ctx, qjs_rt *st, JSValueConst id);

/* require(specifier), bound to the module that asks (data[0]: its id, or undefined). */
static JSValue js_require(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                          int magic, JSValue *data)
{
    qjs_rt *st = rt_of(ctx);
    JSValue id, exports;
    (void)this_val;
    if (argc < 1 || !JS_IsString(argv[0]))
        return JS_ThrowTypeError(ctx, "%s: the module name must be a string",
                                 magic ? "require.resolve" : "require");
    id = module_resolve(ctx, st, data[0], argv[0], 1);
    if (JS_IsException(id) || magic)
        return id;
    exports = cjs_load(ctx, st, id);
    JS_FreeValue(ctx, id);
    return exports;
}

static JSValue cjs_cache(JSContext *ctx)
{
    qjs_realm *rl = JS_GetContextOpaque(ctx);
    if (JS_IsUndefined(rl->cjs_cache)) {
        rl->cjs_cache = JS_NewObjectProto(ctx, JS_NULL);
        if (JS_IsException(rl->cjs_cache)) {
            rl->cjs_cache = JS_UNDEFINED;
            return JS_EXCEPTION;
        }
    }
    return JS_DupValue(ctx, rl->cjs_cache);
}

/* A require function for code of module `referrer` (a string, or undefined for scripts). */
static JSValue cjs_require_fn(JSContext *ctx, JSValueConst referrer)
{
    JSValue fn, resolve, cache;
    fn = JS_NewCFunctionData(ctx, js_require, 1, 0, 1, &referrer);
    if (JS_IsException(fn))
        return fn;
    resolve = JS_NewCFunctionData(ctx, js_require, 1, 1, 1, &referrer);
    cache = cjs_cache(ctx);
    if (JS_IsException(resolve) || JS_IsException(cache)) {
        JS_FreeValue(ctx, resolve);
        JS_FreeValue(ctx, fn);
        return JS_EXCEPTION;
    }
    JS_DefinePropertyValueStr(ctx, fn, "resolve", resolve, JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, fn, "cache", cache, JS_PROP_C_W_E);
    return fn;
}

/* Loads and runs a CommonJS or JSON module once per realm; its module.exports. */
static JSValue cjs_load(JSContext *ctx, qjs_rt *st, JSValueConst id)
{
    /* `global` is Node's name for the global object: code written for Node reads it
       (handlebars: `typeof global !== 'undefined' ? global : window`), as bundlers provide */
    static const char head[] = "(function (exports, require, module, __filename, __dirname, global) {";
    static const char tail[] = "\n})";
    JSValue cache, module, exports = JS_UNDEFINED, source = JS_UNDEFINED;
    JSValue dirname = JS_UNDEFINED, fn, req, ret = JS_EXCEPTION, args[6];
    JSAtom atom;
    const char *id_c = NULL, *src = NULL;
    size_t src_len;
    char *text;
    int format;

    cache = cjs_cache(ctx);
    if (JS_IsException(cache))
        return cache;
    atom = JS_ValueToAtom(ctx, id);
    if (atom == JS_ATOM_NULL) {
        JS_FreeValue(ctx, cache);
        return JS_EXCEPTION;
    }
    module = JS_GetProperty(ctx, cache, atom);
    if (JS_IsObject(module)) { /* loaded, or loading (a cycle): its exports so far */
        ret = JS_GetPropertyStr(ctx, module, "exports");
        goto done;
    }
    JS_FreeValue(ctx, module);
    module = JS_UNDEFINED;
    format = module_fetch(ctx, st, id, 1, &source, &dirname, NULL, NULL);
    if (format < 0)
        goto done;
    if (format == QJS_FORMAT_ESM) { /* as Node 22 does: the namespace, when it needs no await */
        id_c = JS_ToCString(ctx, id);
        exports = id_c ? qjsi_require_module(ctx, id_c) : JS_EXCEPTION;
    } else {
        exports = JS_NewObject(ctx);
    }
    if (JS_IsException(exports)) {
        exports = JS_UNDEFINED;
        goto done;
    }
    module = JS_NewObject(ctx);
    if (JS_IsException(module)) {
        module = JS_UNDEFINED;
        goto done;
    }
    JS_DefinePropertyValueStr(ctx, module, "id", JS_DupValue(ctx, id), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "filename", JS_DupValue(ctx, id), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "loaded", JS_FALSE, JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, module, "exports", JS_DupValue(ctx, exports), JS_PROP_C_W_E);
    JS_DefinePropertyValue(ctx, cache, atom, JS_DupValue(ctx, module), JS_PROP_C_W_E);

    if (format == QJS_FORMAT_HOST) {
        ret = host_module_object(ctx, st, id);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_SetPropertyStr(ctx, module, "exports", ret);
    } else if (format == QJS_FORMAT_JSON) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        id_c = JS_ToCString(ctx, id);
        if (!src || !id_c)
            goto fail_loading;
        ret = JS_ParseJSON(ctx, src, src_len, id_c);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_SetPropertyStr(ctx, module, "exports", ret);
    } else if (format == QJS_FORMAT_COMMONJS) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        id_c = JS_ToCString(ctx, id);
        if (!src || !id_c)
            goto fail_loading;
        text = js_malloc(ctx, sizeof(head) - 1 + src_len + sizeof(tail));
        if (!text)
            goto fail_loading;
        memcpy(text, head, sizeof(head) - 1);
        memcpy(text + sizeof(head) - 1, src, src_len);
        if (src_len >= 2 && src[0] == '#' && src[1] == '!') /* a shebang line, as Node skips it */
            /* two characters over "#!" inside the text, whose end the next line writes */
            memcpy(text + sizeof(head) - 1, "//", 2); /* NOLINT(bugprone-not-null-terminated-result) */
        memcpy(text + sizeof(head) - 1 + src_len, tail, sizeof(tail));
        fn = JS_Eval(ctx, text, sizeof(head) - 1 + src_len + sizeof(tail) - 1, id_c,
                     JS_EVAL_TYPE_GLOBAL);
        js_free(ctx, text);
        if (JS_IsException(fn))
            goto fail_loading;
        req = cjs_require_fn(ctx, id);
        if (JS_IsException(req)) {
            JS_FreeValue(ctx, fn);
            goto fail_loading;
        }
        args[0] = exports;
        args[1] = req;
        args[2] = module;
        args[3] = (JSValue)id;
        args[4] = dirname;
        args[5] = JS_GetGlobalObject(ctx);
        ret = JS_Call(ctx, fn, exports, 6, (JSValueConst *)args);
        JS_FreeValue(ctx, args[5]);
        JS_FreeValue(ctx, fn);
        JS_FreeValue(ctx, req);
        if (JS_IsException(ret))
            goto fail_loading;
        JS_FreeValue(ctx, ret);
    }
    JS_SetPropertyStr(ctx, module, "loaded", JS_TRUE);
    ret = JS_GetPropertyStr(ctx, module, "exports");
    goto done;

fail_loading: /* a failed module is forgotten, so a later require tries again */
    {
        JSValue exc = JS_GetException(ctx);
        JS_DeleteProperty(ctx, cache, atom, 0);
        JS_Throw(ctx, exc);
    }
    ret = JS_EXCEPTION;
done:
    JS_FreeValue(ctx, module);
    JS_FreeValue(ctx, exports);
    JS_FreeValue(ctx, cache);
    JS_FreeValue(ctx, source);
    JS_FreeValue(ctx, dirname);
    if (src)
        JS_FreeCString(ctx, src);
    if (id_c)
        JS_FreeCString(ctx, id_c);
    JS_FreeAtom(ctx, atom);
    return ret;
}

/* 1 and the value (a new reference) when obj has an own property `name`, 0 when not, -1 on error. */
static int own_property_str(JSContext *ctx, JSValueConst obj, const char *name, JSValue *out)
{
    JSPropertyDescriptor desc;
    JSAtom atom = JS_NewAtom(ctx, name);
    int has;
    if (atom == JS_ATOM_NULL)
        return -1;
    has = JS_GetOwnProperty(ctx, &desc, obj, atom);
    JS_FreeAtom(ctx, atom);
    if (has <= 0)
        return has;
    JS_FreeValue(ctx, desc.getter);
    JS_FreeValue(ctx, desc.setter);
    *out = desc.value;
    return 1;
}

/* A CommonJS, JSON or host module imported from an ES module: its module.exports as the
   default export, filled when the module is evaluated; a host module also exports each of its
   names. */
static int synthetic_module_fill(JSContext *ctx, JSModuleDef *m, int named)
{
    qjs_rt *st = rt_of(ctx);
    JSAtom name = JS_GetModuleName(ctx, m);
    JSValue id = JS_AtomToString(ctx, name);
    JSValue exports;
    JS_FreeAtom(ctx, name);
    if (JS_IsException(id))
        return -1;
    exports = cjs_load(ctx, st, id);
    JS_FreeValue(ctx, id);
    if (JS_IsException(exports))
        return -1;
    if (named && JS_IsObject(exports)) {
        JSPropertyEnum *tab;
        uint32_t len, i;
        if (JS_GetOwnPropertyNames(ctx, &tab, &len, exports,
                                   JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
            JS_FreeValue(ctx, exports);
            return -1;
        }
        for (i = 0; i < len; i++) {
            const char *key = JS_AtomToCString(ctx, tab[i].atom);
            if (key && strcmp(key, "default") != 0) {
                JSValue v = JS_GetProperty(ctx, exports, tab[i].atom);
                if (JS_IsException(v))
                    JS_FreeValue(ctx, JS_GetException(ctx));
                else
                    JS_SetModuleExport(ctx, m, key, v);
            }
            if (key)
                JS_FreeCString(ctx, key);
            JS_FreeAtom(ctx, tab[i].atom);
        }
        js_free(ctx, tab);
    }
    if (named && JS_IsObject(exports)) {
        /* a host module's own entry named "default" is its default export */
        JSValue def = JS_UNDEFINED;
        int has = own_property_str(ctx, exports, "default", &def);
        if (has > 0) {
            JS_FreeValue(ctx, exports);
            return JS_SetModuleExport(ctx, m, "default", def);
        }
    }
    return JS_SetModuleExport(ctx, m, "default", exports);
}

static int cjs_module_init(JSContext *ctx, JSModuleDef *m)
{
    return synthetic_module_fill(ctx, m, 0);
}

static int host_module_init(JSContext *ctx, JSModuleDef *m)
{
    return synthetic_module_fill(ctx, m, 1);
}

JSModuleDef *module_loader(JSContext *ctx, const char *name, void *opaque)
{
    qjs_rt *st = opaque;
    JSValue id, source, dirname, fn, meta;
    JSModuleDef *m = NULL;
    char **names = NULL;
    int32_t count = 0, i;
    int format;
    const char *src;
    size_t src_len;

    id = JS_NewString(ctx, name);
    if (JS_IsException(id))
        return NULL;
    format = module_fetch(ctx, st, id, 0, &source, &dirname, &names, &count);
    JS_FreeValue(ctx, id);
    JS_FreeValue(ctx, dirname);
    if (format < 0)
        return NULL;
    if (format == QJS_FORMAT_ESM) {
        src = JS_ToCStringLen(ctx, &src_len, source);
        JS_FreeValue(ctx, source);
        if (!src)
            return NULL;
        fn = JS_Eval(ctx, src, src_len, name, JS_EVAL_TYPE_MODULE | JS_EVAL_FLAG_COMPILE_ONLY);
        JS_FreeCString(ctx, src);
        if (JS_IsException(fn))
            return NULL;
        m = JS_VALUE_GET_PTR(fn);
        JS_FreeValue(ctx, fn);
        meta = JS_GetImportMeta(ctx, m);
        if (!JS_IsException(meta)) {
            JS_DefinePropertyValueStr(ctx, meta, "url", JS_NewString(ctx, name), JS_PROP_C_W_E);
            JS_FreeValue(ctx, meta);
        } else {
            JS_FreeValue(ctx, JS_GetException(ctx));
        }
        return m;
    }
    JS_FreeValue(ctx, source);
    m = JS_NewCModule(ctx, name, format == QJS_FORMAT_HOST ? host_module_init : cjs_module_init);
    if (m) {
        for (i = 0; i < count; i++) {
            if (strcmp(names[i], "default") != 0 && JS_AddModuleExport(ctx, m, names[i]) < 0) {
                m = NULL;
                break;
            }
        }
        if (m && JS_AddModuleExport(ctx, m, "default") < 0)
            m = NULL;
    }
    if (names) {
        for (i = 0; i < count; i++)
            js_free(ctx, names[i]);
        js_free(ctx, names);
    }
    return m;
}

/* The context of a realm the host named, NULL when it is none of this runtime's. */
static JSContext *known_realm(qjs_rt *st, int64_t realm)
{
    struct list_head *el;
    list_for_each(el, &st->realms) {
        qjs_realm *r = list_entry(el, qjs_realm, link);
        if ((int64_t)(uintptr_t)r == realm)
            return r->ctx;
    }
    return NULL;
}

/* Asks the host to find and read `path` (undefined: only a new global is wanted) for a script
   of file `referrer`; *name and *source are new strings, *run the context to run in. */
static int load_fetch(JSContext *ctx, qjs_rt *st, int magic, JSValueConst path,
                      JSValueConst referrer, JSValue *name, JSValue *source, JSContext **run)
{
    reader reply;
    int64_t realm = 0;
    *name = JS_UNDEFINED;
    *source = JS_UNDEFINED;
    *run = ctx;
    buf_reset(&st->up);
    enc_value(ctx, st, &st->up, path);
    enc_value(ctx, st, &st->up, referrer);
    if (call_host(ctx, st, QJS_OP_SCRIPT_LOAD, magic, &reply))
        return -1;
    if (!reply.p || dec_value(ctx, st, &reply, name) < 0 || !JS_IsString(*name) ||
        dec_value(ctx, st, &reply, source) < 0 || !JS_IsString(*source))
        goto bad;
    if (magic == QJS_LOAD_NEW_GLOBAL) {
        if (rd_i64(&reply, &realm) < 0 || !(*run = known_realm(st, realm)))
            goto bad;
    }
    return 0;
bad:
    JS_FreeValue(ctx, *name);
    JS_FreeValue(ctx, *source);
    *name = JS_UNDEFINED;
    *source = JS_UNDEFINED;
    *run = ctx;
    if (!JS_HasException(ctx))
        JS_ThrowInternalError(ctx, "bad script from the host");
    return -1;
}

/* Nashorn's load(path | URL | {script, name}) and loadWithNewGlobal(same, ...arguments)
   (magic: QJS_LOAD_*). A path or URL (a string, or a Java File as its text) is
   found and read by the host, relative to the calling script's file; the object form brings its
   own text. The script runs as a classic script in this global, or in a new one whose global
   `arguments` holds the remaining arguments; its completion value is the result. */
static JSValue js_load(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv,
                       int magic)
{
    qjs_rt *st = rt_of(ctx);
    const char *fn = magic == QJS_LOAD_NEW_GLOBAL ? "loadWithNewGlobal" : "load";
    JSValueConst arg = argc > 0 ? argv[0] : JS_UNDEFINED;
    JSValue path = JS_UNDEFINED, referrer = JS_UNDEFINED, name = JS_UNDEFINED;
    JSValue source = JS_UNDEFINED, text = JS_UNDEFINED;
    JSValue ret = JS_EXCEPTION;
    JSContext *run = ctx;
    const char *src = NULL, *name_c = NULL;
    size_t src_len;
    int i;
    (void)this_val;

    if (JS_IsObject(arg) && host_variant(arg) < 0) { /* {script, name} */
        JSValue script = JS_GetPropertyStr(ctx, arg, "script");
        if (JS_IsException(script))
            return JS_EXCEPTION;
        if (JS_IsUndefined(script) || JS_IsNull(script)) {
            JS_FreeValue(ctx, script);
            return JS_ThrowTypeError(ctx, "%s: an object argument needs a script property, as in "
                                          "{script: 'print(1)', name: 'x.js'}", fn);
        }
        text = JS_ToString(ctx, script);
        JS_FreeValue(ctx, script);
        if (JS_IsException(text))
            return JS_EXCEPTION;
        script = JS_GetPropertyStr(ctx, arg, "name");
        if (JS_IsException(script))
            goto done;
        name = JS_IsUndefined(script) || JS_IsNull(script) ? JS_NewString(ctx, "<load>")
                                                            : JS_ToString(ctx, script);
        JS_FreeValue(ctx, script);
        if (JS_IsException(name)) {
            name = JS_UNDEFINED;
            goto done;
        }
        if (magic == QJS_LOAD_NEW_GLOBAL) { /* the host makes the new global */
            JSValue n2, s2;
            if (load_fetch(ctx, st, magic, JS_UNDEFINED, JS_UNDEFINED, &n2, &s2, &run) < 0)
                goto done;
            JS_FreeValue(ctx, n2);
            JS_FreeValue(ctx, s2);
        }
        source = text;
        text = JS_UNDEFINED;
    } else if (JS_IsString(arg) || JS_IsObject(arg)) { /* a path, a URL, a Java File (its text) */
        JSAtom file;
        path = JS_ToString(ctx, arg);
        if (JS_IsException(path))
            return JS_EXCEPTION;
        file = JS_GetScriptOrModuleName(ctx, 1); /* the calling function's script */
        if (file != JS_ATOM_NULL) {
            referrer = JS_AtomToString(ctx, file);
            JS_FreeAtom(ctx, file);
            if (JS_IsException(referrer)) {
                referrer = JS_UNDEFINED;
                goto done;
            }
        }
        if (load_fetch(ctx, st, magic, path, referrer, &name, &source, &run) < 0)
            goto done;
    } else {
        return JS_ThrowTypeError(ctx, "%s needs a path, a URL or an object {script, name}, not %s",
                                 fn, JS_IsNull(arg) ? "null" : JS_IsUndefined(arg) ? "undefined"
                                     : JS_IsNumber(arg) ? "a number" : JS_IsBool(arg) ? "a boolean"
                                     : JS_IsSymbol(arg) ? "a symbol" : "a BigInt");
    }
    if (run != ctx) {
        JSValue args = JS_NewArray(run), global;
        if (JS_IsException(args))
            goto done;
        for (i = 1; i < argc; i++) {
            if (JS_SetPropertyUint32(run, args, (uint32_t)(i - 1), JS_DupValue(run, argv[i])) < 0) {
                JS_FreeValue(run, args);
                goto done;
            }
        }
        global = JS_GetGlobalObject(run);
        i = JS_DefinePropertyValueStr(run, global, "arguments", args,
                                      JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
        JS_FreeValue(run, global);
        if (i < 0)
            goto done;
    }
    src = JS_ToCStringLen(ctx, &src_len, source);
    name_c = JS_ToCString(ctx, name);
    if (!src || !name_c)
        goto done;
    ret = JS_Eval(run, src, src_len, name_c, JS_EVAL_TYPE_GLOBAL);
done:
    if (src)
        JS_FreeCString(ctx, src);
    if (name_c)
        JS_FreeCString(ctx, name_c);
    JS_FreeValue(ctx, path);
    JS_FreeValue(ctx, referrer);
    JS_FreeValue(ctx, name);
    JS_FreeValue(ctx, source);
    JS_FreeValue(ctx, text);
    return ret;
}

void modules_install(JSContext *ctx, JSValueConst global)
{
    JS_DefinePropertyValueStr(ctx, global, "require", cjs_require_fn(ctx, JS_UNDEFINED),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, global, "load",
        JS_NewCFunctionMagic(ctx, js_load, "load", 1, JS_CFUNC_generic_magic, QJS_LOAD_CURRENT),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, global, "loadWithNewGlobal",
        JS_NewCFunctionMagic(ctx, js_load, "loadWithNewGlobal", 1, JS_CFUNC_generic_magic,
                             QJS_LOAD_NEW_GLOBAL),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
}
