/* mount(8)-style option strings of config.json mounts → mount(2) flags, propagation and data. */
#ifndef TSN_MOUNT_OPTIONS_H
#define TSN_MOUNT_OPTIONS_H

#include "error.h"

#include <stddef.h>

struct tsn_rt_mount_opts
{
  unsigned long flags;       /* MS_* other than propagation; MS_BIND (+MS_REC) for bind/rbind */
  unsigned long clear;       /* flags explicitly cleared ("rw", "suid", ...) */
  unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE (+MS_REC) or 0 */
  int recursive_ro;          /* "rro": read-only on every submount (mount_setattr) */
  char *data;                /* the rest, comma-joined, for the filesystem ("mode=755,size=64k") */
};

int tsn_rt_mount_opts_parse (struct tsn_rt_mount_opts *out, const char *const *options, size_t n,
                             tsn_err_t *err);
void tsn_rt_mount_opts_release (struct tsn_rt_mount_opts *o);

#endif
