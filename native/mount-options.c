/* Mount option parsing; see mount-options.h. */
#include "mount-options.h"
#include "utils.h"

#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static const struct
{
  const char *name;
  int clear;
  unsigned long flag;
} flag_options[] = {
  { "defaults", 0, 0 },
  { "ro", 0, MS_RDONLY },
  { "rw", 1, MS_RDONLY },
  { "nosuid", 0, MS_NOSUID },
  { "suid", 1, MS_NOSUID },
  { "nodev", 0, MS_NODEV },
  { "dev", 1, MS_NODEV },
  { "noexec", 0, MS_NOEXEC },
  { "exec", 1, MS_NOEXEC },
  { "sync", 0, MS_SYNCHRONOUS },
  { "async", 1, MS_SYNCHRONOUS },
  { "dirsync", 0, MS_DIRSYNC },
  { "remount", 0, MS_REMOUNT },
  { "mand", 0, MS_MANDLOCK },
  { "nomand", 1, MS_MANDLOCK },
  { "atime", 1, MS_NOATIME },
  { "noatime", 0, MS_NOATIME },
  { "diratime", 1, MS_NODIRATIME },
  { "nodiratime", 0, MS_NODIRATIME },
  { "relatime", 0, MS_RELATIME },
  { "norelatime", 1, MS_RELATIME },
  { "strictatime", 0, MS_STRICTATIME },
  { "nostrictatime", 1, MS_STRICTATIME },
  { "lazytime", 0, MS_LAZYTIME },
  { "nolazytime", 1, MS_LAZYTIME },
  { "silent", 0, MS_SILENT },
  { "loud", 1, MS_SILENT },
  { "bind", 0, MS_BIND },
  { "rbind", 0, MS_BIND | MS_REC },
  { "nosymfollow", 0, MS_NOSYMFOLLOW },
  { "symfollow", 1, MS_NOSYMFOLLOW },
};

static const struct
{
  const char *name;
  unsigned long flag;
} propagation_options[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

/* Accepted and ignored: options other runtimes understand that change nothing here. */
static const char *const ignored_options[] = { "tmpcopyup", "notmpcopyup", "rrw" };

int
tsn_rt_mount_opts_parse (struct tsn_rt_mount_opts *out, const char *const *options, size_t n, tsn_err_t *err)
{
  memset (out, 0, sizeof (*out));
  size_t data_len = 0;
  for (size_t i = 0; i < n; i++)
    data_len += strlen (options[i]) + 1;
  out->data = xmalloc0 (data_len + 1);
  for (size_t i = 0; i < n; i++)
    {
      const char *o = options[i];
      size_t k;
      int done = 0;
      for (k = 0; !done && k < sizeof (flag_options) / sizeof (flag_options[0]); k++)
        if (strcmp (o, flag_options[k].name) == 0)
          {
            if (flag_options[k].clear)
              {
                out->flags &= ~flag_options[k].flag;
                out->clear |= flag_options[k].flag;
              }
            else
              {
                out->flags |= flag_options[k].flag;
                out->clear &= ~flag_options[k].flag;
              }
            done = 1;
          }
      for (k = 0; !done && k < sizeof (propagation_options) / sizeof (propagation_options[0]); k++)
        if (strcmp (o, propagation_options[k].name) == 0)
          {
            out->propagation = propagation_options[k].flag;
            done = 1;
          }
      for (k = 0; !done && k < sizeof (ignored_options) / sizeof (ignored_options[0]); k++)
        if (strcmp (o, ignored_options[k]) == 0)
          done = 1;
      if (!done && strcmp (o, "rro") == 0)
        {
          out->recursive_ro = 1;
          done = 1;
        }
      if (!done && (strcmp (o, "idmap") == 0 || strcmp (o, "ridmap") == 0))
        {
          tsn_rt_mount_opts_release (out);
          return tsn_error (err, 0, "mount option `%s` is not supported", o);
        }
      if (!done)
        {
          if (*out->data)
            strcat (out->data, ",");
          strcat (out->data, o);
        }
    }
  return 0;
}

void
tsn_rt_mount_opts_release (struct tsn_rt_mount_opts *o)
{
  free (o->data);
  o->data = NULL;
}
