/*
 * mini_json.h - a small JSON reader for the test's own inputs (the corpus
 * manifest, which tools/gen_corpus.py writes).  Not hardened: it reads
 * trusted files only, and recursion depth follows the (shallow) input.
 */
#ifndef ACEPACK_MINI_JSON_H
#define ACEPACK_MINI_JSON_H

#include <stddef.h>

typedef enum { MJ_NULL, MJ_BOOL, MJ_NUM, MJ_STR, MJ_ARR, MJ_OBJ } mj_type;

typedef struct mj {
    mj_type type;
    char *str; /* MJ_STR: decoded (NUL-terminated); MJ_NUM: the lexeme */
    int boolean;
    struct mj **items; /* MJ_ARR, MJ_OBJ (values) */
    char **names;      /* MJ_OBJ */
    size_t n;
} mj;

/* NULL on a syntax error. */
mj *mj_parse(const char *text, size_t n);
void mj_free(mj *v);
/* Member of an object, or NULL. */
const mj *mj_get(const mj *obj, const char *name);
/* String member, or NULL (also for JSON null). */
const char *mj_str(const mj *obj, const char *name);

#endif /* ACEPACK_MINI_JSON_H */
