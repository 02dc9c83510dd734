/* OOM kills, read from the container's memory cgroup. The cgroup is found from the init
 * process itself (/proc/<pid>/cgroup right after `create`) rather than from config.json's
 * linux.cgroupsPath, so it does not matter which runtime made it or how it resolved a relative
 * cgroupsPath. cgroup v1: memory.oom_control of the memory hierarchy; v2: memory.events. Both
 * carry an `oom_kill <count>` line; a count above the one seen at create time means the kernel's
 * OOM killer killed a process of this container (the init or any other). The file stays open, so
 * the count can be read after the init died and before the runtime deletes the cgroup. */
#include "shim.h"
#include "utils.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int64_t
read_oom_kills (int fd)
{
  char buf[1024];
  ssize_t n = pread (fd, buf, sizeof (buf) - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  for (char *line = buf; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, "oom_kill ", 9) == 0)
      return strtoll (line + 9, NULL, 10);
  return -1;
}

static int
has_token (const char *list, const char *token)
{
  size_t n = strlen (token);
  for (const char *p = list; p && *p; p = strchr (p, ',') ? strchr (p, ',') + 1 : NULL)
    if (strncmp (p, token, n) == 0 && (p[n] == ',' || p[n] == '\0'))
      return 1;
  return 0;
}

/* The mount point of the v1 hierarchy with `controller`, or of cgroup2 when controller is NULL,
 * and the hierarchy path mounted there (its "root" in mountinfo). */
static int
find_mount (const char *controller, char *mnt, size_t mnt_len, char *root, size_t root_len)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  while (fgets (line, sizeof (line), f))
    {
      char r[PATH_MAX], m[PATH_MAX], fstype[64], super[1024];
      const char *sep = strstr (line, " - ");
      if (sep == NULL || sscanf (line, "%*s %*s %*s %4095s %4095s", r, m) != 2
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, super) != 2)
        continue;
      int match = controller ? strcmp (fstype, "cgroup") == 0 && has_token (super, controller)
                             : strcmp (fstype, "cgroup2") == 0;
      if (match)
        {
          snprintf (mnt, mnt_len, "%s", m);
          snprintf (root, root_len, "%s", r);
          return 0;
        }
    }
  return -1;
}

static int
open_events (const char *controller, const char *cgpath, const char *file)
{
  char mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX * 2];
  if (find_mount (controller, mnt, sizeof (mnt), root, sizeof (root)) < 0)
    return -1;
  size_t rl = strcmp (root, "/") == 0 ? 0 : strlen (root);
  if (rl && strncmp (cgpath, root, rl) != 0)
    return -1;
  snprintf (path, sizeof (path), "%s%s/%s", mnt, cgpath + rl, file);
  return open (path, O_RDONLY | O_CLOEXEC);
}

void
tsn_shim_oom_watch (struct tsn_shim_oom *o, pid_t init_pid)
{
  tsn_shim_oom_close (o);
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/cgroup", (int)init_pid);
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return;
  char line[4096], v1[4096] = "", v2[4096] = "";
  while (fgets (line, sizeof (line), f))
    {
      line[strcspn (line, "\n")] = '\0';
      char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c1 = *c2 = '\0'; /* "<id>\0<controllers>\0<path>" */
      if (strcmp (line, "0") == 0 && c1[1] == '\0')
        snprintf (v2, sizeof (v2), "%s", c2 + 1);
      else if (has_token (c1 + 1, "memory"))
        snprintf (v1, sizeof (v1), "%s", c2 + 1);
    }
  if (v1[0])
    o->fd = open_events ("memory", v1, "memory.oom_control");
  if (o->fd < 0 && v2[0])
    o->fd = open_events (NULL, v2, "memory.events");
  o->baseline = o->fd >= 0 ? read_oom_kills (o->fd) : -1;
  if (o->baseline < 0)
    tsn_shim_oom_close (o);
}

int
tsn_shim_oom_killed (const struct tsn_shim_oom *o)
{
  if (o->fd < 0)
    return 0;
  int64_t now = read_oom_kills (o->fd);
  return now > o->baseline;
}

void
tsn_shim_oom_close (struct tsn_shim_oom *o)
{
  if (o->fd >= 0)
    close (o->fd);
  o->fd = -1;
  o->baseline = -1;
}
