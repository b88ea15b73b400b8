/* mini_json.c - see mini_json.h. */
#include "mini_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct cur {
    const char *p, *end;
    int bad;
} cur;

static void ws(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
        c->p++;
}

static mj *node(mj_type t)
{
    mj *v = calloc(1, sizeof *v);
    v->type = t;
    return v;
}

static void put_utf8(char *o, size_t *k, unsigned cp)
{
    if (cp < 0x80) {
        o[(*k)++] = (char)cp;
    } else if (cp < 0x800) {
        o[(*k)++] = (char)(0xC0 | (cp >> 6));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        o[(*k)++] = (char)(0xE0 | (cp >> 12));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        o[(*k)++] = (char)(0xF0 | (cp >> 18));
        o[(*k)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[(*k)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[(*k)++] = (char)(0x80 | (cp & 0x3F));
    }
}

static char *string(cur *c)
{
    c->p++; /* opening quote */
    const char *s = c->p;
    while (c->p < c->end && *c->p != '"') {
        if (*c->p == '\\')
            c->p++;
        c->p++;
    }
    if (c->p >= c->end) {
        c->bad = 1;
        return NULL;
    }
    size_t n = (size_t)(c->p - s);
    char *o = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            o[k++] = s[i];
            continue;
        }
        char e = s[++i];
        switch (e) {
        case 'n':
            o[k++] = '\n';
            break;
        case 't':
            o[k++] = '\t';
            break;
        case 'r':
            o[k++] = '\r';
            break;
        case 'b':
            o[k++] = '\b';
            break;
        case 'f':
            o[k++] = '\f';
            break;
        case 'u': {
            unsigned cp =
                (unsigned)strtoul((char[]){s[i + 1], s[i + 2], s[i + 3], s[i + 4], 0}, NULL, 16);
            i += 4;
            put_utf8(o, &k, cp); /* surrogates are kept as 3-byte forms: fine for tests */
            break;
        }
        default:
            o[k++] = e;
            break;
        }
    }
    o[k] = 0;
    c->p++;
    return o;
}

static mj *value(cur *c)
{
    ws(c);
    if (c->p >= c->end) {
        c->bad = 1;
        return NULL;
    }
    char ch = *c->p;
    if (ch == '"') {
        mj *v = node(MJ_STR);
        v->str = string(c);
        return v;
    }
    if (ch == '{' || ch == '[') {
        mj *v = node(ch == '{' ? MJ_OBJ : MJ_ARR);
        char close = ch == '{' ? '}' : ']';
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return v;
        }
        for (;;) {
            char *name = NULL;
            if (v->type == MJ_OBJ) {
                ws(c);
                if (c->p >= c->end || *c->p != '"') {
                    c->bad = 1;
                    return v;
                }
                name = string(c);
                ws(c);
                if (c->p >= c->end || *c->p != ':') {
                    free(name);
                    c->bad = 1;
                    return v;
                }
                c->p++;
            }
            mj *item = value(c);
            v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
            v->names = realloc(v->names, (v->n + 1) * sizeof *v->names);
            v->items[v->n] = item;
            v->names[v->n] = name;
            v->n++;
            if (c->bad)
                return v;
            ws(c);
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                continue;
            }
            if (c->p < c->end && *c->p == close) {
                c->p++;
                return v;
            }
            c->bad = 1;
            return v;
        }
    }
    if (strncmp(c->p, "null", 4) == 0) {
        c->p += 4;
        return node(MJ_NULL);
    }
    if (strncmp(c->p, "true", 4) == 0 || strncmp(c->p, "false", 5) == 0) {
        mj *v = node(MJ_BOOL);
        v->boolean = *c->p == 't';
        c->p += v->boolean ? 4 : 5;
        return v;
    }
    const char *s = c->p;
    while (c->p < c->end && strchr("+-0123456789.eE", *c->p))
        c->p++;
    if (c->p == s) {
        c->bad = 1;
        return NULL;
    }
    mj *v = node(MJ_NUM);
    v->str = malloc((size_t)(c->p - s) + 1);
    memcpy(v->str, s, (size_t)(c->p - s));
    v->str[c->p - s] = 0;
    return v;
}

mj *mj_parse(const char *text, size_t n)
{
    cur c = {text, text + n, 0};
    mj *v = value(&c);
    ws(&c);
    if (c.bad || c.p != c.end) {
        mj_free(v);
        return NULL;
    }
    return v;
}

void mj_free(mj *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        mj_free(v->items[i]);
        if (v->names)
            free(v->names[i]);
    }
    free(v->items);
    free(v->names);
    free(v->str);
    free(v);
}

const mj *mj_get(const mj *obj, const char *name)
{
    if (!obj || obj->type != MJ_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (obj->names[i] && strcmp(obj->names[i], name) == 0)
            return obj->items[i];
    return NULL;
}

const char *mj_str(const mj *obj, const char *name)
{
    const mj *v = mj_get(obj, name);
    return v && v->type == MJ_STR ? v->str : NULL;
}
