/* Small shared helpers: cleanup attributes (every owned resource has one, with a sentinel
 * initialiser), allocation that aborts on OOM, EINTR retry. */
#ifndef TSN_UTILS_H
#define TSN_UTILS_H

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *xmalloc (size_t size);
void *xmalloc0 (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);

static inline void
cleanup_freep (void *p)
{
  void **pp = (void **)p;
  free (*pp);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_filep)))
#define cleanup_dir __attribute__ ((cleanup (cleanup_dirp)))

/* Ownership leaves a cleanup variable explicitly: `return take_fd (&fd);`. */
static inline int
take_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

static inline void *
get_and_reset_ptr (void **p)
{
  void *r = *p;
  *p = NULL;
  return r;
}

#define TEMP_FAILURE_RETRY_INT(expr)                                                                         \
  ({                                                                                                         \
    long _r;                                                                                                 \
    do                                                                                                       \
      _r = (long)(expr);                                                                                     \
    while (_r == -1L && errno == EINTR);                                                                     \
    _r;                                                                                                      \
  })

#endif
