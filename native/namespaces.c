/* Namespaces; see namespaces.h. */
#include "namespaces.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The order is the order namespaces are joined in `exec`: user first (it grants the rights for
 * the rest), mount last but one (paths stop resolving on the host after it), pid last (it only
 * affects children). */
const struct tsn_rt_ns_kind tsn_rt_ns_kinds[] = {
  { "user", "user", CLONE_NEWUSER },  { "cgroup", "cgroup", CLONE_NEWCGROUP },
  { "ipc", "ipc", CLONE_NEWIPC },     { "uts", "uts", CLONE_NEWUTS },
  { "network", "net", CLONE_NEWNET }, { "time", "time", CLONE_NEWTIME },
  { "mount", "mnt", CLONE_NEWNS },    { "pid", "pid", CLONE_NEWPID },
};
const int tsn_rt_n_ns_kinds = (int)(sizeof (tsn_rt_ns_kinds) / sizeof (tsn_rt_ns_kinds[0]));

const struct tsn_rt_ns_kind *
tsn_rt_ns_by_spec_name (const char *name)
{
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    if (strcmp (tsn_rt_ns_kinds[i].spec_name, name) == 0)
      return &tsn_rt_ns_kinds[i];
  return NULL;
}

const struct tsn_rt_ns_kind *
tsn_rt_ns_by_flag (int flag)
{
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    if (tsn_rt_ns_kinds[i].flag == flag)
      return &tsn_rt_ns_kinds[i];
  return NULL;
}

int
tsn_rt_ns_open (const char *path, int flag, tsn_err_t *err)
{
  const struct tsn_rt_ns_kind *kind = tsn_rt_ns_by_flag (flag);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open %s namespace `%s`", kind ? kind->spec_name : "?", path);
  int type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    return tsn_error (err, errno, "`%s` is not a namespace file", path);
  if (type != flag)
    return tsn_error (err, 0, "`%s` is not a %s namespace", path, kind ? kind->spec_name : "?");
  return take_fd (&fd);
}

int
tsn_rt_ns_open_pid (int pid, int flag, tsn_err_t *err)
{
  const struct tsn_rt_ns_kind *kind = tsn_rt_ns_by_flag (flag);
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/ns/%s", pid, kind->proc_name);
  return tsn_rt_ns_open (path, flag, err);
}
