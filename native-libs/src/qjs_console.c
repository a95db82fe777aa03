/*
 * qjs_console.c - print(), readLine() and console.log/info/debug/warn/error/trace: the text of
 * each argument (format specifiers, an inspection of objects as a console shows them, text
 * that never throws), sent to the host as one line.
 */
#include <stdio.h>

#include "qjs_private.h"

#define CONSOLE_FORMAT 8 /* magic bit of the console methods: the first string is a format */
#define INSPECT_MAX_ITEMS 100

/* String(v) as a console shows it, never throwing: a BigInt with its "n" when asked, a
   value whose conversion throws as Object.prototype.toString would say. A new string. */
static JSValue console_text(JSContext *ctx, JSValueConst v, int bigint_suffix)
{
    JSValue s = to_string_quiet(ctx, v);
    if (JS_IsString(s) && bigint_suffix && JS_IsBigInt(ctx, v)) {
        size_t len;
        const char *c = JS_ToCStringLen(ctx, &len, s);
        char *t = c ? malloc(len + 2) : NULL;
        JSValue n = JS_UNDEFINED;
        if (t) {
            memcpy(t, c, len);
            t[len] = 'n';
            n = JS_NewStringLen(ctx, t, len + 1);
            free(t);
        }
        if (c)
            JS_FreeCString(ctx, c);
        if (JS_IsString(n)) {
            JS_FreeValue(ctx, s);
            return n;
        }
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        return s;
    }
    if (JS_IsString(s))
        return s;
    JS_FreeValue(ctx, s);
    if (JS_IsFunction(ctx, v))
        return JS_NewString(ctx, "[object Function]");
    if (JS_IsArray(ctx, v) > 0)
        return JS_NewString(ctx, "[object Array]");
    if (JS_HasException(ctx))
        JS_FreeValue(ctx, JS_GetException(ctx));
    return JS_NewString(ctx, JS_IsObject(v) ? "[object Object]" : "?");
}

static void sb_cstr(qjs_buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* Appends a JS string as UTF-8. */
static void sb_value(JSContext *ctx, qjs_buf *b, JSValueConst s)
{
    size_t len;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return;
    }
    buf_put(b, c, len);
    JS_FreeCString(ctx, c);
}

static void sb_text(JSContext *ctx, qjs_buf *b, JSValueConst v, int bigint_suffix)
{
    JSValue s = console_text(ctx, v, bigint_suffix);
    sb_value(ctx, b, s);
    JS_FreeValue(ctx, s);
}

/* The number text of a leading numeric prefix of String(v) (parseInt with integer_only,
   parseFloat otherwise), "NaN" when there is none. */
static void sb_parsed_number(JSContext *ctx, qjs_buf *b, JSValueConst v, int integer_only)
{
    JSValue s = console_text(ctx, v, 0);
    size_t len = 0, i = 0, start, digits = 0;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    JS_FreeValue(ctx, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        sb_cstr(b, "NaN");
        return;
    }
    while (i < len && (c[i] == ' ' || c[i] == '\t' || c[i] == '\n' || c[i] == '\r'))
        i++;
    start = i;
    if (i < len && (c[i] == '-' || c[i] == '+'))
        i++;
    if (!integer_only && len - i >= 8 && strncmp(c + i, "Infinity", 8) == 0) {
        if (c[start] == '-')
            buf_u8(b, '-');
        sb_cstr(b, "Infinity");
        JS_FreeCString(ctx, c);
        return;
    }
    while (i < len && c[i] >= '0' && c[i] <= '9')
        i++, digits++;
    if (!integer_only && i < len && c[i] == '.') {
        i++;
        while (i < len && c[i] >= '0' && c[i] <= '9')
            i++, digits++;
    }
    if (!integer_only && digits && i < len && (c[i] == 'e' || c[i] == 'E')) {
        size_t e = i + 1;
        if (e < len && (c[e] == '-' || c[e] == '+'))
            e++;
        if (e < len && c[e] >= '0' && c[e] <= '9') {
            while (e < len && c[e] >= '0' && c[e] <= '9')
                e++;
            i = e;
        }
    }
    if (!digits) {
        sb_cstr(b, "NaN");
    } else {
        /* QuickJS's own number reading, then its own number printing ("3.50" → 3.5) */
        JSValue text = JS_NewStringLen(ctx, c + start, i - start);
        double d;
        if (!JS_IsException(text) && JS_ToFloat64(ctx, &d, text) == 0) {
            JSValue n = JS_NewFloat64(ctx, d);
            sb_text(ctx, b, n, 0);
        } else {
            if (JS_HasException(ctx))
                JS_FreeValue(ctx, JS_GetException(ctx));
            sb_cstr(b, "NaN");
        }
        JS_FreeValue(ctx, text);
    }
    JS_FreeCString(ctx, c);
}

/* %d: Number(v); a BigInt as itself, a Symbol NaN. */
static void sb_number(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    double d;
    if (JS_IsBigInt(ctx, v)) {
        sb_text(ctx, b, v, 1);
        return;
    }
    if (JS_IsSymbol(v) || JS_ToFloat64(ctx, &d, v) < 0) {
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        sb_cstr(b, "NaN");
        return;
    }
    sb_text(ctx, b, JS_NewFloat64(ctx, d), 0);
}

static int is_identifier(const char *s, size_t len)
{
    size_t i;
    if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$'))
            return 0;
    }
    return 1;
}

static void sb_quoted(JSContext *ctx, qjs_buf *b, JSValueConst s)
{
    size_t len, i;
    const char *c = JS_ToCStringLen(ctx, &len, s);
    if (!c) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        return;
    }
    buf_u8(b, '\'');
    for (i = 0; i < len; i++) {
        if (c[i] == '\'' || c[i] == '\\')
            buf_u8(b, '\\');
        if (c[i] == '\n')
            sb_cstr(b, "\\n");
        else
            buf_u8(b, (uint8_t)c[i]);
    }
    buf_u8(b, '\'');
    JS_FreeCString(ctx, c);
}

/* A readable inspection as Node's util.inspect gives it, in brief: strings quoted, arrays and
   objects to `depth` levels (own enumerable string keys; a getter shows as [Getter], never
   run), [Circular] for an object already being shown, at most INSPECT_MAX_ITEMS entries each. */
static void sb_inspect(JSContext *ctx, qjs_buf *b, JSValueConst v, int depth, void **seen, int nseen)
{
    int i, is_array;
    if (JS_IsString(v)) {
        sb_quoted(ctx, b, v);
        return;
    }
    if (!JS_IsObject(v)) {
        sb_text(ctx, b, v, 1);
        return;
    }
    for (i = 0; i < nseen; i++) {
        if (seen[i] == JS_VALUE_GET_PTR(v)) {
            sb_cstr(b, "[Circular]");
            return;
        }
    }
    if (JS_IsFunction(ctx, v)) {
        JSValue name = get_prop_quiet(ctx, v, "name");
        sb_cstr(b, "[Function");
        if (JS_IsString(name) && !is_string_equal(ctx, name, "")) {
            sb_cstr(b, ": ");
            sb_value(ctx, b, name);
        } else {
            sb_cstr(b, " (anonymous)");
        }
        buf_u8(b, ']');
        JS_FreeValue(ctx, name);
        return;
    }
    if (host_variant(v) >= 0 || JS_IsError(ctx, v)) {
        sb_text(ctx, b, v, 0); /* a Java object's toString(); an error's "Name: message" */
        return;
    }
    is_array = JS_IsArray(ctx, v) > 0;
    if (depth <= 0) {
        sb_cstr(b, is_array ? "[Array]" : "[Object]");
        return;
    }
    seen[nseen++] = JS_VALUE_GET_PTR(v);
    if (is_array) {
        int64_t len = 0, k;
        JSValue l = get_prop_quiet(ctx, v, "length");
        if (JS_ToInt64(ctx, &len, l) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            len = 0;
        }
        JS_FreeValue(ctx, l);
        sb_cstr(b, len ? "[ " : "[");
        for (k = 0; k < len && k < INSPECT_MAX_ITEMS; k++) {
            JSValue e = JS_GetPropertyUint32(ctx, v, (uint32_t)k);
            if (JS_IsException(e)) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                e = JS_UNDEFINED;
            }
            if (k)
                sb_cstr(b, ", ");
            sb_inspect(ctx, b, e, depth - 1, seen, nseen);
            JS_FreeValue(ctx, e);
        }
        if (len > INSPECT_MAX_ITEMS) {
            char more[64];
            (void)snprintf(more, sizeof more, ", ... %lld more items", (long long)(len - INSPECT_MAX_ITEMS));
            sb_cstr(b, more);
        }
        sb_cstr(b, len ? " ]" : "]");
    } else {
        JSPropertyEnum *props = NULL;
        uint32_t count = 0, k;
        if (JS_GetOwnPropertyNames(ctx, &props, &count, v, JS_GPN_STRING_MASK | JS_GPN_ENUM_ONLY) < 0) {
            JS_FreeValue(ctx, JS_GetException(ctx));
            sb_text(ctx, b, v, 0);
            return;
        }
        sb_cstr(b, count ? "{ " : "{}");
        for (k = 0; k < count && k < INSPECT_MAX_ITEMS; k++) {
            JSPropertyDescriptor desc;
            JSValue key = JS_AtomToString(ctx, props[k].atom);
            size_t klen = 0;
            const char *kc = JS_IsException(key) ? NULL : JS_ToCStringLen(ctx, &klen, key);
            int got;
            if (k)
                sb_cstr(b, ", ");
            if (kc && is_identifier(kc, klen))
                buf_put(b, kc, klen);
            else if (!JS_IsException(key))
                sb_quoted(ctx, b, key);
            if (kc)
                JS_FreeCString(ctx, kc);
            JS_FreeValue(ctx, key);
            if (JS_HasException(ctx))
                JS_FreeValue(ctx, JS_GetException(ctx));
            sb_cstr(b, ": ");
            got = JS_GetOwnProperty(ctx, &desc, v, props[k].atom);
            if (got < 0) {
                JS_FreeValue(ctx, JS_GetException(ctx));
                sb_cstr(b, "?");
            } else if (got == 0) {
                sb_cstr(b, "undefined");
            } else {
                if (desc.flags & JS_PROP_GETSET)
                    sb_cstr(b, JS_IsUndefined(desc.setter) ? "[Getter]"
                               : JS_IsUndefined(desc.getter) ? "[Setter]" : "[Getter/Setter]");
                else
                    sb_inspect(ctx, b, desc.value, depth - 1, seen, nseen);
                JS_FreeValue(ctx, desc.value);
                JS_FreeValue(ctx, desc.getter);
                JS_FreeValue(ctx, desc.setter);
            }
        }
        if (count > INSPECT_MAX_ITEMS) {
            char more[64];
            (void)snprintf(more, sizeof more, ", ... %u more", count - INSPECT_MAX_ITEMS);
            sb_cstr(b, more);
        }
        if (count)
            sb_cstr(b, " }");
        for (k = 0; k < count; k++)
            JS_FreeAtom(ctx, props[k].atom);
        js_free(ctx, props);
    }
}

/* %j: JSON.stringify; "[Circular]" for a cyclic value, String(v) when it cannot be JSON. */
static void sb_json(JSContext *ctx, qjs_buf *b, JSValueConst v)
{
    JSValue json = JS_JSONStringify(ctx, v, JS_UNDEFINED, JS_UNDEFINED);
    if (JS_IsException(json)) {
        JSValue e = JS_GetException(ctx);
        JSValue m = JS_IsError(ctx, e) ? get_prop_quiet(ctx, e, "message") : JS_UNDEFINED;
        const char *c = JS_IsString(m) ? JS_ToCString(ctx, m) : NULL;
        int circular = c && strstr(c, "circular") != NULL;
        if (c)
            JS_FreeCString(ctx, c);
        JS_FreeValue(ctx, m);
        JS_FreeValue(ctx, e);
        if (circular) {
            sb_cstr(b, "[Circular]");
            return;
        }
        json = JS_UNDEFINED;
    }
    if (JS_IsString(json))
        sb_value(ctx, b, json);
    else
        sb_text(ctx, b, v, 1);
    JS_FreeValue(ctx, json);
}

/* Node's and the browsers' console format: %s %d %i %f %o %O %j %c %%, applied when the first
   argument is a string; a specifier without an argument stays as written. Returns the formatted
   text (a new string) and sets *used to the arguments it consumed (the format included). */
static JSValue console_format(JSContext *ctx, int argc, JSValueConst *argv, int *used)
{
    qjs_buf b = {0};
    size_t len, i;
    int next = 1;
    void *seen[8];
    JSValue r;
    const char *f = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!f)
        return JS_EXCEPTION;
    for (i = 0; i < len; i++) {
        char c = f[i];
        char spec = '\0';
        if (i + 1 < len)
            spec = f[i + 1];
        if (c != '%' || !spec || !strchr("sdifoOjc%", spec)) {
            buf_u8(&b, (uint8_t)c);
            continue;
        }
        if (spec == '%') {
            buf_u8(&b, '%');
            i++;
            continue;
        }
        if (next >= argc) { /* nothing left to show: the specifier as written */
            buf_u8(&b, '%');
            buf_u8(&b, (uint8_t)spec);
            i++;
            continue;
        }
        switch (spec) {
        case 's': sb_text(ctx, &b, argv[next], 1); break;
        case 'd': sb_number(ctx, &b, argv[next]); break;
        case 'i':
            if (JS_IsBigInt(ctx, argv[next]))
                sb_text(ctx, &b, argv[next], 1);
            else if (JS_IsSymbol(argv[next]))
                sb_cstr(&b, "NaN");
            else
                sb_parsed_number(ctx, &b, argv[next], 1);
            break;
        case 'f':
            if (JS_IsSymbol(argv[next]))
                sb_cstr(&b, "NaN");
            else
                sb_parsed_number(ctx, &b, argv[next], 0);
            break;
        case 'o': sb_inspect(ctx, &b, argv[next], 4, seen, 0); break;
        case 'O': sb_inspect(ctx, &b, argv[next], 2, seen, 0); break;
        case 'j': sb_json(ctx, &b, argv[next]); break;
        case 'c': break; /* CSS: nothing to show in text */
        }
        if (JS_HasException(ctx))
            JS_FreeValue(ctx, JS_GetException(ctx));
        next++;
        i++;
    }
    JS_FreeCString(ctx, f);
    *used = next;
    if (b.failed) {
        free(b.data);
        return JS_ThrowOutOfMemory(ctx);
    }
    r = JS_NewStringLen(ctx, b.data ? (const char *)b.data : "", b.len);
    free(b.data);
    return r;
}

/* print(...) and console.log/info/debug/warn/error/trace(...): one line of the arguments'
   strings joined by spaces. print converts as String() does (a throwing toString throws);
   a console method formats (CONSOLE_FORMAT) and never throws for a value it cannot show. */
static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic)
{
    qjs_rt *st = rt_of(ctx);
    JSValue *strs;
    reader reply;
    int i, n = 0, first = 0, console = magic & CONSOLE_FORMAT;
    (void)this_val;
    magic &= ~CONSOLE_FORMAT;
    strs = js_malloc(ctx, sizeof(JSValue) * (argc > 0 ? argc : 1));
    if (!strs)
        return JS_EXCEPTION;
    if (console && argc > 0 && JS_IsString(argv[0])) {
        strs[n] = console_format(ctx, argc, argv, &first);
        if (JS_IsException(strs[n])) {
            js_free(ctx, strs);
            return JS_EXCEPTION;
        }
        n++;
    }
    for (i = first; i < argc; i++) {
        strs[n] = console ? console_text(ctx, argv[i], 0) : JS_ToString(ctx, argv[i]);
        if (JS_IsException(strs[n])) {
            while (--n >= 0)
                JS_FreeValue(ctx, strs[n]);
            js_free(ctx, strs);
            return JS_EXCEPTION;
        }
        n++;
    }
    buf_reset(&st->up);
    buf_i32(&st->up, n);
    for (i = 0; i < n; i++) {
        enc_string(ctx, &st->up, strs[i]);
        JS_FreeValue(ctx, strs[i]);
    }
    js_free(ctx, strs);
    if (call_host(ctx, st, QJS_OP_PRINT, magic, &reply))
        return JS_EXCEPTION;
    return JS_UNDEFINED;
}

static JSValue js_read_line(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    qjs_rt *st = rt_of(ctx);
    reader reply;
    JSValue v;
    (void)this_val; (void)argc; (void)argv;
    buf_reset(&st->up);
    if (call_host(ctx, st, QJS_OP_READ_LINE, (int64_t)(uintptr_t)ctx, &reply))
        return JS_EXCEPTION;
    if (!reply.p)
        return JS_NULL;
    if (dec_value(ctx, st, &reply, &v) < 0)
        return JS_HasException(ctx) ? JS_EXCEPTION : JS_ThrowInternalError(ctx, "bad host reply");
    return v;
}

void console_install(JSContext *ctx, JSValueConst global)
{
    JSValue console;

    JS_DefinePropertyValueStr(ctx, global, "print",
        JS_NewCFunctionMagic(ctx, js_print, "print", 1, JS_CFUNC_generic_magic, QJS_PRINT_LOG),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    JS_DefinePropertyValueStr(ctx, global, "readLine",
        JS_NewCFunction(ctx, js_read_line, "readLine", 0),
        JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
    console = JS_NewObject(ctx);
    JS_DefinePropertyValueStr(ctx, console, "log",
        JS_NewCFunctionMagic(ctx, js_print, "log", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_LOG | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "info",
        JS_NewCFunctionMagic(ctx, js_print, "info", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_INFO | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "debug",
        JS_NewCFunctionMagic(ctx, js_print, "debug", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_DEBUG | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "warn",
        JS_NewCFunctionMagic(ctx, js_print, "warn", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_WARN | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "error",
        JS_NewCFunctionMagic(ctx, js_print, "error", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_ERROR | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, console, "trace",
        JS_NewCFunctionMagic(ctx, js_print, "trace", 1, JS_CFUNC_generic_magic,
                             QJS_PRINT_ERROR | CONSOLE_FORMAT), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, global, "console", console,
                              JS_PROP_WRITABLE | JS_PROP_CONFIGURABLE);
}
