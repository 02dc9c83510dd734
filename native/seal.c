/* Sealed memfd re-exec; see seal.h. */
#include "seal.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/* argv from /proc/self/cmdline: the verb only sees its own arguments. */
static char **
read_cmdline (char **buf)
{
  size_t len = 0, cap = 4096;
  *buf = xmalloc (cap);
  cleanup_close int fd = open ("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  for (;;)
    {
      if (len + 1 >= cap)
        *buf = xrealloc (*buf, cap *= 2);
      ssize_t n = TEMP_FAILURE_RETRY_INT (read (fd, *buf + len, cap - len - 1));
      if (n <= 0)
        break;
      len += (size_t)n;
    }
  (*buf)[len] = '\0';
  size_t argc = 0;
  for (size_t i = 0; i < len; i++)
    if ((*buf)[i] == '\0')
      argc++;
  char **argv = xmalloc0 ((argc + 1) * sizeof (char *));
  for (size_t i = 0, k = 0; i < len && k < argc; k++)
    {
      argv[k] = *buf + i;
      i += strlen (*buf + i) + 1;
    }
  return argv;
}

int
tsn_rt_ensure_sealed (tsn_err_t *err)
{
  cleanup_close int self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return tsn_error (err, errno, "open /proc/self/exe");
  int seals = fcntl (self, F_GET_SEALS);
  if (seals >= 0 && (seals & SEALS) == SEALS)
    return 0;
  struct stat st;
  if (fstat (self, &st) < 0)
    return tsn_error (err, errno, "stat /proc/self/exe");
  cleanup_close int mem = memfd_create ("tscompose-native", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0)
    return tsn_error (err, errno, "memfd_create");
  off_t off = 0;
  while (off < st.st_size)
    {
      ssize_t n = sendfile (mem, self, &off, (size_t)(st.st_size - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return tsn_error (err, n < 0 ? errno : EIO, "copy the runtime into a memfd");
    }
  if (fcntl (mem, F_ADD_SEALS, SEALS) < 0)
    return tsn_error (err, errno, "seal the memfd");
  cleanup_free char *buf = NULL;
  cleanup_free char **argv = read_cmdline (&buf);
  if (argv == NULL || argv[0] == NULL)
    return tsn_error (err, errno, "read /proc/self/cmdline");
  fexecve (mem, argv, environ);
  return tsn_error (err, errno, "re-execute from the sealed memfd");
}
