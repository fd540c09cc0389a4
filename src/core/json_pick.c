#include "json_pick.h"

json_t *
oa_json_pick(const json_t *obj, const char *const *names, size_t count)
{
	json_t *kept;

	if (!json_is_object(obj))
		return NULL;
	/* Not json_object(): the postgres binary exports a function of that
	 * name, which would answer our call inside a backend. */
	kept = json_pack("{}");
	if (kept == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		json_t *v = json_object_get(obj, names[i]);

		if (v != NULL && json_object_set(kept, names[i], v) != 0) {
			json_decref(kept);
			return NULL;
		}
	}
	return kept;
}
