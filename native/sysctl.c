/* linux.sysctl: only namespaced keys, only when the container has that namespace (as runc
 * validates), written through a verified procfs below the container root. */
#include "container-init.h"
#include "fs-at.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static const char *const ipc_keys[]
    = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shm_rmid_forced", "kernel.shmmni" };

static int
has_ns (const struct tsn_rt_config *c, int flag)
{
  return tsn_rt_config_namespace (c, flag) != NULL;
}

static int
check_key (const struct tsn_rt_config *c, const char *key, tsn_err_t *err)
{
  for (size_t i = 0; i < sizeof (ipc_keys) / sizeof (ipc_keys[0]); i++)
    if (strcmp (key, ipc_keys[i]) == 0)
      return has_ns (c, CLONE_NEWIPC) ? 0 : tsn_error (err, 0, "sysctl `%s` needs an ipc namespace", key);
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    return has_ns (c, CLONE_NEWIPC) ? 0 : tsn_error (err, 0, "sysctl `%s` needs an ipc namespace", key);
  if (strncmp (key, "net.", 4) == 0)
    return has_ns (c, CLONE_NEWNET) ? 0 : tsn_error (err, 0, "sysctl `%s` needs a network namespace", key);
  if (strcmp (key, "kernel.domainname") == 0)
    return has_ns (c, CLONE_NEWUTS) ? 0 : tsn_error (err, 0, "sysctl `%s` needs a uts namespace", key);
  if (strcmp (key, "kernel.hostname") == 0)
    return tsn_error (err, 0, "sysctl `kernel.hostname` is not allowed: set `hostname` in config.json");
  return tsn_error (err, 0, "sysctl `%s` is not namespaced and would change the host", key);
}

int tsn_rt_apply_sysctls (struct tsn_rt_init *in, int rootfd, tsn_err_t *err);

int
tsn_rt_apply_sysctls (struct tsn_rt_init *in, int rootfd, tsn_err_t *err)
{
  const struct tsn_rt_config *c = in->config;
  for (size_t i = 0; i < c->n_sysctls; i++)
    {
      const char *key = c->sysctls[i].key, *value = c->sysctls[i].value;
      if (check_key (c, key, err) < 0)
        return -1;
      if (strstr (key, "..") || strchr (key, '/'))
        return tsn_error (err, 0, "sysctl `%s`: invalid key", key);
      cleanup_free char *path = NULL;
      if (asprintf (&path, "/proc/sys/%s", key) < 0)
        abort ();
      for (char *p = path + 10; *p; p++)
        if (*p == '.')
          *p = '/';
      cleanup_close int fd = tsn_fs_open_in_root (rootfd, path, O_WRONLY | O_NOFOLLOW, 0, err);
      if (fd < 0)
        return tsn_error_wrap (err, "sysctl `%s`", key);
      struct statfs sfs;
      if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
        return tsn_error (err, 0, "sysctl `%s`: `%s` is not on procfs", key, path);
      size_t len = strlen (value);
      if (TEMP_FAILURE_RETRY_INT (write (fd, value, len)) != (ssize_t)len)
        return tsn_error (err, errno, "sysctl `%s` = `%s`", key, value);
    }
  return 0;
}
