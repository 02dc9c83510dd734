/* Namespaces: the spec's names, their clone flags and /proc/PID/ns entries, and joining by path. */
#ifndef TSN_NAMESPACES_H
#define TSN_NAMESPACES_H

#include "error.h"

struct tsn_rt_ns_kind
{
  const char *spec_name; /* "network" */
  const char *proc_name; /* "net" */
  int flag;              /* CLONE_NEWNET */
};

extern const struct tsn_rt_ns_kind tsn_rt_ns_kinds[];
extern const int tsn_rt_n_ns_kinds;

const struct tsn_rt_ns_kind *tsn_rt_ns_by_spec_name (const char *name);
const struct tsn_rt_ns_kind *tsn_rt_ns_by_flag (int flag);

/* Opens a namespace file and checks that it is a namespace of the expected kind. */
int tsn_rt_ns_open (const char *path, int flag, tsn_err_t *err);

/* Opens /proc/PID/ns/<kind> of a running container process. */
int tsn_rt_ns_open_pid (int pid, int flag, tsn_err_t *err);

#endif
