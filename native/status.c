/* State directory; see status.h. */
#include "status.h"
#include "cgroup.h"
#include "container-config.h"
#include "utils.h"
#include "verbs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *
tsn_rt_status_name (enum tsn_rt_status s)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  return names[s];
}

int
tsn_rt_validate_id (const char *id, tsn_err_t *err)
{
  size_t n = strlen (id);
  if (n == 0 || n > 1024)
    return tsn_error (err, 0, "invalid container id `%s`: it must have 1 to 1024 characters", id);
  if (id[0] == '.' || id[0] == '-')
    return tsn_error (err, 0, "invalid container id `%s`: it must not start with `.` or `-`", id);
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'
          || *p == '-' || *p == '.' || *p == '+'))
      return tsn_error (err, 0, "invalid container id `%s`: only letters, digits and `_.+-` are allowed", id);
  return 0;
}

int
tsn_rt_open_root (int create, tsn_err_t *err)
{
  const char *root = tsn_globals.root;
  if (create)
    {
      /* mkdir -p, each created level 0700 (CVE-2021-41103: no world-traversable state). */
      cleanup_free char *path = xstrdup (root);
      for (char *p = path + 1;; p++)
        if (*p == '/' || *p == '\0')
          {
            char c = *p;
            *p = '\0';
            if (mkdir (path, 0700) < 0 && errno != EEXIST)
              return tsn_error (err, errno, "create state directory `%s`", path);
            *p = c;
            if (c == '\0')
              break;
          }
    }
  int fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open state directory `%s`", root);
  return fd;
}

int
tsn_rt_open_container_dir (int rootfd, const char *id, tsn_err_t *err)
{
  if (tsn_rt_validate_id (id, err) < 0)
    return -1;
  int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return tsn_error (err, 0, "container `%s` does not exist", id);
      return tsn_error (err, errno, "open the state of container `%s`", id);
    }
  return fd;
}

int
tsn_rt_lock (int dirfd, tsn_err_t *err)
{
  if (TEMP_FAILURE_RETRY_INT (flock (dirfd, LOCK_EX)) < 0)
    return tsn_error (err, errno, "lock the container state");
  return 0;
}

void
tsn_rt_now_rfc3339 (char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  char date[32];
  strftime (date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, size, "%s.%09ldZ", date, ts.tv_nsec);
}

static void
write_state_fields (struct tsn_json_writer *w, const struct tsn_rt_state *st)
{
  tsn_json_w_key (w, "ociVersion");
  tsn_json_w_string (w, st->oci_version ? st->oci_version : "1.2.0");
  tsn_json_w_key (w, "id");
  tsn_json_w_string (w, st->id);
}

int
tsn_rt_state_write (int dirfd, const struct tsn_rt_state *st, tsn_err_t *err)
{
  cleanup_json_writer struct tsn_json_writer w;
  tsn_json_w_init (&w);
  tsn_json_w_begin_object (&w);
  write_state_fields (&w, st);
  tsn_json_w_key (&w, "pid");
  tsn_json_w_int64 (&w, st->pid);
  tsn_json_w_key (&w, "startTime");
  tsn_json_w_int64 (&w, (int64_t)st->start_time);
  tsn_json_w_key (&w, "bundle");
  tsn_json_w_string (&w, st->bundle);
  tsn_json_w_key (&w, "rootfs");
  tsn_json_w_string (&w, st->rootfs);
  tsn_json_w_key (&w, "created");
  tsn_json_w_string (&w, st->created);
  tsn_json_w_key (&w, "cgroupPath");
  tsn_json_w_string (&w, st->cgroup_path ? st->cgroup_path : "");
  tsn_json_w_key (&w, "cgroupV2");
  tsn_json_w_bool (&w, st->cgroup_v2);
  tsn_json_w_key (&w, "cgroupHybrid");
  tsn_json_w_bool (&w, st->cgroup_hybrid);
  tsn_json_w_key (&w, "ownPidNs");
  tsn_json_w_bool (&w, st->own_pidns);
  tsn_json_w_key (&w, "nsFlags");
  tsn_json_w_int64 (&w, st->ns_flags);
  tsn_json_w_key (&w, "postHooks");
  tsn_json_w_int64 (&w, st->post_hooks);
  tsn_json_w_key (&w, "noProcess");
  tsn_json_w_bool (&w, st->no_process);
  if (st->annotations)
    {
      tsn_json_w_key (&w, "annotations");
      tsn_json_w_value (&w, st->annotations);
    }
  tsn_json_w_end_object (&w);

  const char *tmp = "state.json.tmp";
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return tsn_error (err, errno, "write `%s`", tmp);
  const char *p = tsn_json_w_str (&w);
  size_t left = w.len;
  while (left)
    {
      ssize_t r = TEMP_FAILURE_RETRY_INT (write (fd, p, left));
      if (r < 0)
        return tsn_error (err, errno, "write `%s`", tmp);
      p += r;
      left -= (size_t)r;
    }
  if (fsync (fd) < 0)
    return tsn_error (err, errno, "fsync `%s`", tmp);
  if (renameat (dirfd, tmp, dirfd, TSN_RT_STATE_FILE) < 0)
    return tsn_error (err, errno, "rename `%s`", tmp);
  return 0;
}

int
tsn_rt_state_read (int dirfd, struct tsn_rt_state *st, tsn_err_t *err)
{
  memset (st, 0, sizeof (*st));
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (faccessat (dirfd, TSN_RT_STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
    return -ENOENT;
  if (tsn_rt_read_file_at (&text, &len, dirfd, TSN_RT_STATE_FILE, 1u << 20, err) < 0)
    return -1;
  if (tsn_json_parse (&st->doc, text, len, err) < 0)
    return tsn_error_wrap (err, "state.json");
  const struct tsn_json *r = tsn_json_root (st->doc);
  int64_t pid = 0, start = 0, nsflags = 0, post = 0;
  if (tsn_json_get_string (tsn_json_get (r, "id"), &st->id, "id", err) < 0
      || tsn_json_get_string (tsn_json_get (r, "ociVersion"), &st->oci_version, "ociVersion", err) < 0
      || tsn_json_get_int64 (tsn_json_get (r, "pid"), &pid, "pid", err) < 0
      || tsn_json_get_int64 (tsn_json_get (r, "startTime"), &start, "startTime", err) < 0
      || tsn_json_get_string (tsn_json_get (r, "bundle"), &st->bundle, "bundle", err) < 0
      || tsn_json_get_string (tsn_json_get (r, "rootfs"), &st->rootfs, "rootfs", err) < 0
      || tsn_json_get_string (tsn_json_get (r, "created"), &st->created, "created", err) < 0
      || tsn_json_get_string (tsn_json_get (r, "cgroupPath"), &st->cgroup_path, "cgroupPath", err) < 0
      || tsn_json_get_bool (tsn_json_get (r, "cgroupV2"), &st->cgroup_v2, "cgroupV2", err) < 0
      || tsn_json_get_bool (tsn_json_get (r, "cgroupHybrid"), &st->cgroup_hybrid, "cgroupHybrid", err) < 0
      || tsn_json_get_bool (tsn_json_get (r, "ownPidNs"), &st->own_pidns, "ownPidNs", err) < 0
      || tsn_json_get_int64 (tsn_json_get (r, "nsFlags"), &nsflags, "nsFlags", err) < 0
      || tsn_json_get_int64 (tsn_json_get (r, "postHooks"), &post, "postHooks", err) < 0
      || tsn_json_get_bool (tsn_json_get (r, "noProcess"), &st->no_process, "noProcess", err) < 0)
    return tsn_error_wrap (err, "state.json");
  if (st->id == NULL || st->bundle == NULL || pid <= 0)
    return tsn_error (err, 0, "state.json: incomplete");
  st->pid = (int)pid;
  st->start_time = (uint64_t)start;
  st->ns_flags = (int)nsflags;
  st->post_hooks = (int)post;
  st->annotations = tsn_json_get (r, "annotations");
  return 0;
}

void
tsn_rt_state_release (struct tsn_rt_state *st)
{
  if (st->doc)
    tsn_json_doc_free (st->doc);
  st->doc = NULL;
}

int
tsn_rt_proc_stat (int pid, uint64_t *start_time, int *zombie)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = TEMP_FAILURE_RETRY_INT (read (fd, buf, sizeof buf - 1));
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm may contain spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] == '\0')
    return -1;
  p += 2;
  *zombie = (*p == 'Z' || *p == 'X');
  /* p is field 3 (state); start time is field 22. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -1;
      p++;
    }
  *start_time = strtoull (p, NULL, 10);
  return 0;
}

int
tsn_rt_init_alive (const struct tsn_rt_state *st)
{
  uint64_t start;
  int zombie;
  if (st->pid <= 0 || tsn_rt_proc_stat (st->pid, &start, &zombie) < 0)
    return 0;
  return !zombie && start == st->start_time;
}

enum tsn_rt_status
tsn_rt_status_of (int dirfd, const struct tsn_rt_state *st)
{
  if (!tsn_rt_init_alive (st))
    return TSN_RT_STOPPED;
  if (faccessat (dirfd, TSN_RT_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return TSN_RT_CREATED;
  if (tsn_cgroup_is_frozen (st))
    return TSN_RT_PAUSED;
  return TSN_RT_RUNNING;
}

void
tsn_rt_state_json (struct tsn_json_writer *w, const struct tsn_rt_state *st, enum tsn_rt_status status,
                   int64_t oom_kills)
{
  tsn_json_w_begin_object (w);
  write_state_fields (w, st);
  tsn_json_w_key (w, "pid");
  tsn_json_w_int64 (w, status == TSN_RT_STOPPED || status == TSN_RT_CREATING ? 0 : st->pid);
  tsn_json_w_key (w, "status");
  tsn_json_w_string (w, tsn_rt_status_name (status));
  tsn_json_w_key (w, "bundle");
  tsn_json_w_string (w, st->bundle ? st->bundle : "");
  tsn_json_w_key (w, "rootfs");
  tsn_json_w_string (w, st->rootfs ? st->rootfs : "");
  tsn_json_w_key (w, "created");
  tsn_json_w_string (w, st->created ? st->created : "");
  tsn_json_w_key (w, "owner");
  tsn_json_w_string (w, "");
  if (st->annotations && st->annotations->type == TSN_JSON_OBJECT)
    {
      tsn_json_w_key (w, "annotations");
      tsn_json_w_value (w, st->annotations);
    }
  /* Not in the spec: OOM kills counted by the container's memory cgroup (memory.oom_control on
   * v1, memory.events on v2), -1 when unknown. A shim reads it before `delete`. */
  tsn_json_w_key (w, "oomKills");
  tsn_json_w_int64 (w, oom_kills);
  tsn_json_w_end_object (w);
}

int
tsn_rt_write_small_file (int dirfd, const char *name, const char *content, tsn_err_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  size_t len = strlen (content);
  if (fd < 0 || TEMP_FAILURE_RETRY_INT (write (fd, content, len)) != (ssize_t)len)
    return tsn_error (err, errno, "write `%s`", name);
  return 0;
}

int
tsn_rt_remove_container_dir (int rootfd, const char *id, tsn_err_t *err)
{
  cleanup_close int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : tsn_error (err, errno, "open the state of container `%s`", id);
  int dup_fd = dup (fd);
  if (dup_fd < 0)
    return tsn_error (err, errno, "dup");
  cleanup_dir DIR *d = fdopendir (dup_fd);
  if (d == NULL)
    {
      close (dup_fd);
      return tsn_error (err, errno, "read the state of container `%s`", id);
    }
  struct dirent *de;
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (fd, de->d_name, 0) < 0 && errno != ENOENT)
        return tsn_error (err, errno, "remove `%s/%s`", id, de->d_name);
    }
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return tsn_error (err, errno, "remove the state of container `%s`", id);
  return 0;
}
