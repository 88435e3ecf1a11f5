/* model-json.h — JSON views of model objects (lock held by the caller). */
#ifndef HVDECK_MODEL_JSON_H
#define HVDECK_MODEL_JSON_H

#include "core/json.h"
#include "core/model.h"

void model_json_host(struct json *j, const char *key, const struct m_host *h);
void model_json_pool(struct json *j, const char *key, const struct m_host *h,
    const struct m_pool *p);
void model_json_desktop(struct json *j, const char *key,
    const struct m_desktop *d);

/* "host", "pool", "desktop" ("event" for MK_EVENT); "add", "change",
 * "remove", "stats": the names of watch --json's lines. */
const char *model_json_kind_name(enum m_kind kind);
const char *model_json_op_name(enum m_op op);
/* One line of watch --json, newline included (caller frees): the change
 * of a model observer (kind other than MK_EVENT), with its object. */
char *model_json_change(enum m_kind kind, enum m_op op,
    const struct m_host *h, const void *obj);
/* Which object a change is about ("h3", "p3/default", "dUUID"; NULL for
 * an event), for coalescing stats in a queue (watch-queue.h). Caller
 * frees. */
char *model_json_key(enum m_kind kind, const struct m_host *h,
    const void *obj);

#endif
