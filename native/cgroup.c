/* cgroups: layout detection, directories, membership, freezing, OOM counter; see cgroup.h. */
#include "cgroup.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

char *
tsn_cgroup_join (const char *a, const char *b)
{
  char *out = NULL;
  size_t la = strlen (a);
  while (la > 1 && a[la - 1] == '/')
    la--;
  if (asprintf (&out, "%.*s%s%s", (int)la, a, b[0] == '/' ? "" : "/", b) < 0)
    abort ();
  return out;
}

/* The kernel's mount options that are not controller names. */
static int
is_controller_token (const char *t)
{
  static const char *const skip[]
      = { "rw",     "ro",    "relatime",       "noatime",  "nosuid",         "nodev",
          "noexec", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods" };
  for (size_t i = 0; i < sizeof (skip) / sizeof (skip[0]); i++)
    if (strcmp (t, skip[i]) == 0)
      return 0;
  return strncmp (t, "release_agent=", 14) != 0;
}

static char *
controllers_of (const char *superopts)
{
  cleanup_free char *dup = xstrdup (superopts);
  char *out = xmalloc0 (strlen (superopts) + 1);
  char *save = NULL;
  for (char *t = strtok_r (dup, ",", &save); t; t = strtok_r (NULL, ",", &save))
    if (is_controller_token (t))
      {
        if (*out)
          strcat (out, ",");
        strcat (out, t);
      }
  return out;
}

/* The runtime's own cgroup in the hierarchy with `controllers` ("" for v2), for relative paths. */
static char *
own_cgroup (const char *controllers)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    {
      line[strcspn (line, "\n")] = '\0';
      char *a = strchr (line, ':');
      char *b = a ? strchr (a + 1, ':') : NULL;
      if (b == NULL)
        continue;
      *b = '\0';
      if (strcmp (a + 1, controllers) == 0)
        return xstrdup (b + 1);
    }
  return xstrdup ("/");
}

static char *
rel_path (const char *path, const char *controllers)
{
  if (path[0] == '/')
    return xstrdup (path);
  cleanup_free char *own = own_cgroup (controllers);
  return tsn_cgroup_join (own, path);
}

static void
add_hier (struct tsn_cgroup *cg, const char *mountpoint, const char *superopts)
{
  cg->h = xrealloc (cg->h, (cg->n + 1) * sizeof (*cg->h));
  struct tsn_cgroup_hier *h = &cg->h[cg->n++];
  h->mountpoint = xstrdup (mountpoint);
  h->controllers = controllers_of (superopts);
  h->rel = rel_path (cg->path, h->controllers);
  h->dir = tsn_cgroup_join (h->mountpoint, h->rel);
}

/* Parses mountinfo for cgroup and cgroup2 mounts below /sys/fs/cgroup. */
static int
scan_mounts (struct tsn_cgroup *cg, tsn_err_t *err)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    return tsn_error (err, errno, "open /proc/self/mountinfo");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[32], superopts[512], mountpoint[4096];
      if (sscanf (sep + 3, "%31s %*s %511s", fstype, superopts) != 2)
        continue;
      if (sscanf (line, "%*s %*s %*s %*s %4095s", mountpoint) != 1)
        continue;
      if (strncmp (mountpoint, "/sys/fs/cgroup", 14) != 0)
        continue;
      if (strcmp (fstype, "cgroup") == 0)
        add_hier (cg, mountpoint, superopts);
      else if (strcmp (fstype, "cgroup2") == 0 && cg->unified_mount == NULL)
        cg->unified_mount = xstrdup (mountpoint);
    }
  return 0;
}

int
tsn_cgroup_init (struct tsn_cgroup *cg, const char *cgroups_path, const char *id, tsn_err_t *err)
{
  memset (cg, 0, sizeof (*cg));
  if (cgroups_path && cgroups_path[0])
    {
      if (strstr (cgroups_path, "..") || strchr (cgroups_path, ':'))
        return tsn_error (err, 0, "linux.cgroupsPath `%s`: `..` and systemd slices are not supported",
                          cgroups_path);
      cg->path = xstrdup (cgroups_path);
    }
  else if (asprintf (&cg->path, "/tscompose-%s", id) < 0)
    abort ();
  struct statfs sfs;
  if (statfs ("/sys/fs/cgroup", &sfs) < 0)
    return tsn_error (err, errno, "statfs /sys/fs/cgroup");
  if (sfs.f_type == CGROUP2_SUPER_MAGIC)
    {
      cg->v2 = 1;
      cg->unified_mount = xstrdup ("/sys/fs/cgroup");
    }
  else if (scan_mounts (cg, err) < 0)
    return -1;
  if (!cg->v2 && cg->n == 0)
    return tsn_error (err, 0, "no cgroup hierarchy is mounted under /sys/fs/cgroup");
  cg->hybrid = !cg->v2 && cg->unified_mount != NULL;
  if (cg->unified_mount)
    {
      cg->unified_rel = rel_path (cg->path, "");
      cg->unified_dir = tsn_cgroup_join (cg->unified_mount, cg->unified_rel);
    }
  return 0;
}

int
tsn_cgroup_from_state (struct tsn_cgroup *cg, const struct tsn_rt_state *st, tsn_err_t *err)
{
  return tsn_cgroup_init (cg, st->cgroup_path, st->id, err);
}

void
tsn_cgroup_release (struct tsn_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      free (cg->h[i].mountpoint);
      free (cg->h[i].controllers);
      free (cg->h[i].dir);
      free (cg->h[i].rel);
    }
  free (cg->h);
  free (cg->path);
  free (cg->unified_mount);
  free (cg->unified_dir);
  free (cg->unified_rel);
  memset (cg, 0, sizeof (*cg));
}

const struct tsn_cgroup_hier *
tsn_cgroup_hier_for (const struct tsn_cgroup *cg, const char *controller)
{
  size_t n = strlen (controller);
  for (size_t i = 0; i < cg->n; i++)
    for (const char *p = cg->h[i].controllers; (p = strstr (p, controller)); p++)
      if ((p == cg->h[i].controllers || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
        return &cg->h[i];
  return NULL;
}

int
tsn_cgroup_write (const char *dir, const char *file, const char *value, tsn_err_t *err)
{
  cleanup_free char *path = tsn_cgroup_join (dir, file);
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open `%s`", path);
  size_t len = strlen (value);
  if (TEMP_FAILURE_RETRY_INT (write (fd, value, len)) != (ssize_t)len)
    return tsn_error (err, errno, "write `%s` to `%s`", value, path);
  return 0;
}

int
tsn_cgroup_read (const char *dir, const char *file, char *buf, size_t size)
{
  cleanup_free char *path = tsn_cgroup_join (dir, file);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = TEMP_FAILURE_RETRY_INT (read (fd, buf, size - 1));
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return 0;
}

/* v1 cpuset: a new cgroup has empty cpus/mems, and no task can join until they are set. */
static int
cpuset_inherit (const char *dir, tsn_err_t *err)
{
  char buf[4096];
  cleanup_free char *parent = xstrdup (dir);
  *strrchr (parent, '/') = '\0';
  for (int i = 0; i < 2; i++)
    {
      const char *file = i ? "cpuset.mems" : "cpuset.cpus";
      if (tsn_cgroup_read (dir, file, buf, sizeof buf) == 0 && buf[0] != '\n' && buf[0] != '\0')
        continue;
      if (tsn_cgroup_read (parent, file, buf, sizeof buf) < 0)
        return tsn_error (err, errno, "read `%s/%s`", parent, file);
      if (tsn_cgroup_write (dir, file, buf, err) < 0)
        return -1;
    }
  return 0;
}

static int
mkdir_p (const char *mountpoint, const char *dir, int cpuset, tsn_err_t *err)
{
  size_t base = strlen (mountpoint);
  if (strlen (dir) <= base + 1)
    return tsn_error (err, 0, "cgroup `%s`: the container cannot use a hierarchy's root", dir);
  cleanup_free char *path = xstrdup (dir);
  for (char *p = path + base + 1;; p++)
    if (*p == '/' || *p == '\0')
      {
        char c = *p;
        *p = '\0';
        if (mkdir (path, 0755) < 0 && errno != EEXIST)
          return tsn_error (err, errno, "create cgroup `%s`", path);
        if (cpuset && cpuset_inherit (path, err) < 0)
          return -1;
        *p = c;
        if (c == '\0')
          break;
      }
  return 0;
}

int
tsn_cgroup_create (struct tsn_cgroup *cg, const struct tsn_rt_config *config, tsn_err_t *err)
{
  for (size_t i = 0; i < cg->n; i++)
    if (mkdir_p (cg->h[i].mountpoint, cg->h[i].dir, &cg->h[i] == tsn_cgroup_hier_for (cg, "cpuset"), err) < 0)
      return -1;
  if (cg->unified_dir && mkdir_p (cg->unified_mount, cg->unified_dir, 0, err) < 0)
    return -1;
  return cg->v2 ? tsn_cgroup_apply_v2 (cg, config, err) : tsn_cgroup_apply_v1 (cg, config, err);
}

int
tsn_cgroup_enter (const struct tsn_cgroup *cg, pid_t pid, tsn_err_t *err)
{
  char num[24];
  snprintf (num, sizeof num, "%d", (int)pid);
  for (size_t i = 0; i < cg->n; i++)
    if (tsn_cgroup_write (cg->h[i].dir, "cgroup.procs", num, err) < 0)
      return -1;
  if (cg->unified_dir && tsn_cgroup_write (cg->unified_dir, "cgroup.procs", num, err) < 0)
    return -1;
  return 0;
}

int
tsn_cgroup_open_procs (const struct tsn_cgroup *cg, int **fds, tsn_err_t *err)
{
  int *out = xmalloc ((cg->n + 2) * sizeof (int));
  size_t k = 0;
  for (size_t i = 0; i <= cg->n; i++)
    {
      const char *dir = i < cg->n ? cg->h[i].dir : cg->unified_dir;
      if (dir == NULL)
        continue;
      cleanup_free char *path = tsn_cgroup_join (dir, "cgroup.procs");
      out[k] = open (path, O_WRONLY | O_CLOEXEC);
      if (out[k] < 0)
        {
          int e = errno;
          while (k > 0)
            close (out[--k]);
          free (out);
          return tsn_error (err, e, "open `%s`", path);
        }
      k++;
    }
  out[k] = -1;
  *fds = out;
  return 0;
}

static int
rmdir_retry (const char *dir, tsn_err_t *err)
{
  struct timespec delay = { 0, 1000000 };
  for (int attempt = 0;; attempt++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      /* EBUSY: tasks that were just killed are still exiting; give them up to ~2 s. */
      if (errno != EBUSY || attempt >= 60)
        return tsn_error (err, errno, "remove cgroup `%s`", dir);
      nanosleep (&delay, NULL);
      if (delay.tv_nsec < 64000000)
        delay.tv_nsec *= 2;
    }
}

int
tsn_cgroup_destroy (const struct tsn_cgroup *cg, tsn_err_t *err)
{
  int r = 0;
  for (size_t i = 0; i < cg->n; i++)
    if (rmdir_retry (cg->h[i].dir, r < 0 ? NULL : err) < 0)
      r = -1;
  if (cg->unified_dir && rmdir_retry (cg->unified_dir, r < 0 ? NULL : err) < 0)
    r = -1;
  return r;
}
