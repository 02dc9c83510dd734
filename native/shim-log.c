/* The container's output log, in the CRI ("k8s-file") line format conmon and kubelet use:
 *
 *     <RFC 3339 UTC timestamp with nanoseconds> <stdout|stderr> <F|P> <text>\n
 *
 * F ends a line of the program's output (its newline is the record's), P is a partial line whose
 * rest follows in later P/F records of the same stream: output that arrives without a newline is
 * written at once as P, never held back. A line longer than what fits in one file is split into
 * P records. Rotation by size: before a record would take the file past max_size, `log` becomes
 * `log.1`, `log.1` becomes `log.2` ... up to max_files files in all (the oldest is dropped); with
 * max_files 1 the file is truncated instead. Write errors (a full disk) drop output, never block. */
#include "shim.h"
#include "utils.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define HEADER_MAX 64

static int
open_log (struct tsn_shim_log *l, int truncate)
{
  int fd = open (l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0600);
  if (fd < 0)
    return -1;
  struct stat st;
  l->size = fstat (fd, &st) == 0 ? (uint64_t)st.st_size : 0;
  if (l->fd >= 0)
    close (l->fd);
  l->fd = fd;
  return 0;
}

int
tsn_shim_log_open (struct tsn_shim_log *l, const char *path, uint64_t max_size, unsigned max_files,
                   tsn_err_t *err)
{
  l->fd = -1;
  l->path = path;
  l->max_size = max_size;
  l->max_files = max_files ? max_files : 1;
  if (path == NULL)
    return 0;
  if (open_log (l, 0) < 0)
    return tsn_error (err, errno, "open log `%s`", path);
  return 0;
}

static void
rotate (struct tsn_shim_log *l)
{
  if (l->max_files <= 1)
    {
      if (ftruncate (l->fd, 0) == 0)
        l->size = 0;
      return;
    }
  char src[PATH_MAX], dst[PATH_MAX];
  for (unsigned i = l->max_files - 1; i >= 1; i--)
    {
      if (i == 1)
        snprintf (src, sizeof (src), "%s", l->path);
      else
        snprintf (src, sizeof (src), "%s.%u", l->path, i - 1);
      snprintf (dst, sizeof (dst), "%s.%u", l->path, i);
      rename (src, dst); /* ENOENT: fewer files so far */
    }
  open_log (l, 1);
}

static void
write_record (struct tsn_shim_log *l, const char *header, size_t hlen, const char *text, size_t len)
{
  size_t total = hlen + len + 1;
  if (l->max_size && l->size > 0 && l->size + total > l->max_size)
    rotate (l);
  struct iovec iov[3] = {
    { (void *)header, hlen },
    { (void *)text, len },
    { (void *)"\n", 1 },
  };
  ssize_t n = TEMP_FAILURE_RETRY_INT (writev (l->fd, iov, 3));
  if (n > 0)
    l->size += (uint64_t)n;
}

void
tsn_shim_log_write (struct tsn_shim_log *l, int stream, const char *data, size_t len)
{
  if (l->fd < 0 || len == 0)
    return;
  char ts[40], full[HEADER_MAX], partial[HEADER_MAX];
  tsn_shim_format_time (tsn_shim_real_ns (), ts);
  const char *name = stream == 2 ? "stderr" : "stdout";
  int hlen = snprintf (full, sizeof (full), "%s %s F ", ts, name);
  snprintf (partial, sizeof (partial), "%s %s P ", ts, name);
  size_t max_text = SIZE_MAX;
  if (l->max_size)
    max_text = l->max_size > (uint64_t)hlen + 1 + 64 ? (size_t)(l->max_size - (uint64_t)hlen - 1) : 64;
  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      size_t line = nl ? (size_t)(nl - data) : len;
      for (; line > max_text; line -= max_text, data += max_text, len -= max_text)
        write_record (l, partial, (size_t)hlen, data, max_text);
      write_record (l, nl ? full : partial, (size_t)hlen, data, line);
      size_t used = line + (nl ? 1 : 0);
      data += used;
      len -= used;
    }
}

void
tsn_shim_log_reopen (struct tsn_shim_log *l)
{
  if (l->path)
    open_log (l, 0);
}

void
tsn_shim_log_close (struct tsn_shim_log *l)
{
  if (l->fd >= 0)
    close (l->fd);
  l->fd = -1;
}
