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

#endif
