/* Keeping the supervisor's resident set small (see docs/native-shim.md, Memory). */
#include "shim.h"
#include "utils.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Resident memory. The supervisor is mostly idle, yet its page tables would map most of the
 * binary's code and read-only data: libc is linked in statically and the kernel maps file pages
 * in 64 KiB windows around each fault, so any request or probe touches most windows. Whenever the
 * loop is about to sleep for a second or more, these file mappings are dropped from our page
 * tables (MADV_DONTNEED on a private file mapping that was never written only unmaps: the pages
 * stay in the page cache, shared by all shims, and fault back in on the next event, at the cost
 * of a few minor faults). Unmapped, they are also the first memory the kernel can reclaim.
 * Only read-only mappings of our own executable without any anonymous (written, e.g. RELRO)
 * page are touched; they are found once, from /proc/self/smaps. */
#define TRIM_RANGES 8

static struct
{
  void *start;
  size_t len;
} trim_ranges[TRIM_RANGES];
static int n_trim_ranges;

void
tsn_shim_memory_init (void)
{
  cleanup_file FILE *smaps = fopen ("/proc/self/smaps", "re");
  char exe[PATH_MAX], line[PATH_MAX + 128];
  ssize_t n = readlink ("/proc/self/exe", exe, sizeof (exe) - 1);
  if (smaps == NULL || n <= 0)
    return;
  exe[n] = '\0';
  int candidate = 0;
  unsigned long start = 0, end = 0;
  while (fgets (line, sizeof (line), smaps))
    {
      char perms[8], path[PATH_MAX];
      unsigned long lo, hi, anon;
      if (sscanf (line, "%lx-%lx %7s %*s %*s %*s %4095s", &lo, &hi, perms, path) == 4)
        {
          candidate = perms[1] == '-' && strcmp (path, exe) == 0;
          start = lo;
          end = hi;
        }
      else if (candidate && sscanf (line, "Anonymous: %lu kB", &anon) == 1)
        {
          if (anon == 0 && n_trim_ranges < TRIM_RANGES)
            {
              trim_ranges[n_trim_ranges].start = (void *)start;
              trim_ranges[n_trim_ranges++].len = end - start;
            }
          candidate = 0;
        }
    }
}

void
tsn_shim_memory_trim (void)
{
  for (int i = 0; i < n_trim_ranges; i++)
    madvise (trim_ranges[i].start, trim_ranges[i].len, MADV_DONTNEED);
}
