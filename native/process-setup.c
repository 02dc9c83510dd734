/* Process setup before execve; see process-setup.h. */
#include "process-setup.h"
#include "caps.h"
#include "fds.h"
#include "rlimits.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int
tsn_rt_set_oom_score_adj (const struct tsn_rt_process *p, tsn_err_t *err)
{
  if (!p->oom_score_adj.set)
    return 0;
  char buf[16];
  snprintf (buf, sizeof buf, "%d", (int)p->oom_score_adj.v);
  cleanup_close int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return tsn_error (err, errno, "open /proc/self/oom_score_adj");
  if (TEMP_FAILURE_RETRY_INT (write (fd, buf, strlen (buf))) < 0)
    {
      if (errno == EACCES || errno == EPERM)
        return tsn_error (err, errno,
                          "process.oomScoreAdj %s: lowering oom_score_adj needs CAP_SYS_RESOURCE, which "
                          "this runtime does not have",
                          buf);
      return tsn_error (err, errno, "set oom_score_adj to %s", buf);
    }
  return 0;
}

static int
switch_user (const struct tsn_rt_process *p, tsn_err_t *err)
{
  if (setgroups (p->n_additional_gids, p->additional_gids) < 0)
    return tsn_error (err, errno, "setgroups");
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    return tsn_error (err, errno, "setgid %u", (unsigned)p->gid);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    return tsn_error (err, errno, "setuid %u", (unsigned)p->uid);
  return 0;
}

int
tsn_rt_process_prepare (const struct tsn_rt_process *p, const struct tsn_rt_seccomp *seccomp, tsn_err_t *err)
{
  if (tsn_rt_rlimits_apply (p->rlimits, p->n_rlimits, err) < 0)
    return -1;
  /* chdir as root: a directory the user cannot search still becomes the cwd, as with runc */
  if (chdir (p->cwd) < 0)
    return tsn_error (err, errno, "chdir to process.cwd `%s`", p->cwd);
  char cwd[PATH_MAX];
  /* CVE-2024-21626: the cwd must be inside the container ("(unreachable)/..." otherwise) */
  if (getcwd (cwd, sizeof cwd) == NULL || cwd[0] != '/')
    return tsn_error (err, 0, "process.cwd `%s` is outside the container", p->cwd);
  /* Without no_new_privileges, installing a filter needs CAP_SYS_ADMIN: before the drop. */
  if (!p->no_new_privileges && tsn_rt_seccomp_load (seccomp, err) < 0)
    return -1;
  if (p->caps.set)
    {
      if (tsn_rt_caps_apply_bounding (&p->caps, err) < 0)
        return -1;
      if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return tsn_error (err, errno, "prctl PR_SET_KEEPCAPS");
    }
  if (switch_user (p, err) < 0)
    return -1;
  if (p->caps.set)
    {
      if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return tsn_error (err, errno, "prctl PR_SET_KEEPCAPS");
      if (tsn_rt_caps_apply (&p->caps, err) < 0)
        return -1;
    }
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return tsn_error (err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  umask (p->umask.set ? (mode_t)p->umask.v : 022);
  return 0;
}

static const char *
env_get (char **envp, const char *name)
{
  size_t n = strlen (name);
  for (char **e = envp; *e; e++)
    if (strncmp (*e, name, n) == 0 && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

static char *
home_of (uid_t uid)
{
  /* The image controls /etc/passwd: a fifo or a device there must not block or feed us. */
  int fd = open ("/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)))
    {
      close (fd);
      fd = -1;
    }
  cleanup_file FILE *f = fd >= 0 ? fdopen (fd, "re") : NULL;
  if (fd >= 0 && f == NULL)
    close (fd);
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    {
      line[strcspn (line, "\n")] = '\0';
      char *fields[7] = { 0 };
      char *save = NULL, *s = line;
      int k = 0;
      /* strsep keeps empty fields, unlike strtok */
      while (k < 7 && (fields[k] = strsep (&s, ":")) != NULL)
        k++;
      (void)save;
      if (k >= 6 && fields[2][0] && strtoul (fields[2], NULL, 10) == uid && fields[5][0])
        return xstrdup (fields[5]);
    }
  return xstrdup ("/");
}

char **
tsn_rt_process_env (const struct tsn_rt_process *p)
{
  char **envp = xmalloc0 ((p->n_env + 2) * sizeof (char *));
  size_t n = 0;
  for (size_t i = 0; i < p->n_env; i++)
    envp[n++] = (char *)p->env[i];
  if (env_get (envp, "HOME") == NULL)
    {
      cleanup_free char *home = home_of (p->uid);
      char *kv = NULL;
      if (asprintf (&kv, "HOME=%s", home) < 0)
        abort ();
      envp[n++] = kv;
    }
  return envp;
}

static int
executable (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111);
}

int
tsn_rt_process_lookup (const struct tsn_rt_process *p, char **envp, char **path, tsn_err_t *err)
{
  if (p->n_args == 0)
    return tsn_error (err, 0, "process.args must not be empty");
  const char *name = p->args[0];
  if (strchr (name, '/'))
    {
      struct stat st;
      if (stat (name, &st) < 0)
        return tsn_error (err, errno, "exec: `%s`", name);
      if (!executable (name))
        return tsn_error (err, EACCES, "exec: `%s`", name);
      *path = xstrdup (name);
      return 0;
    }
  const char *search = env_get (envp, "PATH");
  cleanup_free char *dirs = xstrdup (search ? search : "");
  char *save = NULL;
  for (char *d = strtok_r (dirs, ":", &save); d; d = strtok_r (NULL, ":", &save))
    {
      char *candidate = NULL;
      if (asprintf (&candidate, "%s/%s", *d ? d : ".", name) < 0)
        abort ();
      if (executable (candidate))
        {
          *path = candidate;
          return 0;
        }
      free (candidate);
    }
  return tsn_error (err, 0, "exec: `%s`: executable file not found in $PATH", name);
}

int
tsn_rt_process_exec (const char *path, const struct tsn_rt_process *p, char **envp, int preserve_fds,
                     const struct tsn_rt_seccomp *seccomp, tsn_err_t *err)
{
  if (tsn_rt_cloexec_from (3 + preserve_fds, err) < 0)
    return -1;
  if (p->no_new_privileges && tsn_rt_seccomp_load (seccomp, err) < 0)
    return -1;
  execve (path, (char *const *)p->args, envp);
  return tsn_error (err, errno, "exec `%s`", path);
}
