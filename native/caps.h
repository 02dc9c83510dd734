/* Linux capabilities by name and their application to the current process (all five sets). */
#ifndef TSN_CAPS_H
#define TSN_CAPS_H

#include "container-config.h"
#include "error.h"

#include <stdint.h>

/* "CAP_CHOWN" -> 0; -1 when unknown. */
int tsn_rt_cap_from_name (const char *name);
/* 0 -> "CAP_CHOWN"; NULL when unknown. */
const char *tsn_rt_cap_name (int cap);

/* Checks that every capability asked for in the effective, permitted, inheritable or ambient
 * set is one the runtime holds: the kernel would refuse it (EPERM) deep inside the container
 * setup; this names it instead (e.g. CAP_SYS_RESOURCE on hosts that withhold it). */
int tsn_rt_caps_check (const struct tsn_rt_caps *caps, tsn_err_t *err);

/* Drops every capability not in caps->bounding from the bounding set (needs CAP_SETPCAP, so it
 * runs before the user switch). */
int tsn_rt_caps_apply_bounding (const struct tsn_rt_caps *caps, tsn_err_t *err);
/* Sets effective, permitted and inheritable, then the ambient set (runs after the user switch,
 * with PR_SET_KEEPCAPS so permitted survived it). */
int tsn_rt_caps_apply (const struct tsn_rt_caps *caps, tsn_err_t *err);

#endif
