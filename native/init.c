/* `tscompose-native init [-g|--pgroup] [--] PROG [ARGS...]`: a minimal PID 1 for containers
 * (`init: true` in a stack file), in tini's role. The engine bind-mounts this static binary into
 * the container and makes it the process's first argument.
 *
 * - Runs PROG as its only direct child (PATH lookup as execvp does).
 * - Every signal it can receive, except SIGCHLD and the synchronous faults, is forwarded to the
 *   child (with -g: to the child's process group, which the child then leads).
 * - Reaps every process that gets reparented to it (orphans in the container), so no zombies.
 * - Exits as soon as PROG exits, with PROG's status: its exit code, or 128 + the signal number
 *   when it was killed by a signal (the kernel then kills what is left in the PID namespace).
 * - PROG cannot be run: 127 when not found, 126 otherwise (as shells and `docker run` do).
 *
 * Signals are blocked and taken with sigwaitinfo(): no handler runs at all. This also matters
 * because the kernel drops a signal sent to a namespace's PID 1 when its disposition is the
 * default, unless the signal is blocked (then it stays pending for us). When not PID 1 (e.g. run
 * by hand), it becomes a child subreaper so orphans are still reparented to it. */
#include "utils.h"
#include "verbs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void
usage (void)
{
  fputs ("usage: tscompose-native init [-g|--pgroup] [--] PROG [ARGS...]\n", stderr);
}

/* Signals that mean "this process faulted": never block them (blocking would hang on a fault). */
static void
unblockable_faults (sigset_t *set)
{
  static const int faults[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS };
  for (size_t i = 0; i < sizeof (faults) / sizeof (faults[0]); i++)
    sigdelset (set, faults[i]);
}

static void
run_child (char **prog, int pgroup, const sigset_t *old_mask)
{
  if (pgroup)
    {
      setpgid (0, 0);
      /* Make the new group the terminal's foreground group; without a terminal this fails
       * harmlessly (ENOTTY). SIGTTOU is blocked here, so the call cannot stop us. */
      (void)tcsetpgrp (STDIN_FILENO, getpgrp ());
    }
  sigprocmask (SIG_SETMASK, old_mask, NULL);
  execvp (prog[0], prog);
  int saved = errno;
  fprintf (stderr, "tscompose-native init: exec `%s`: %s\n", prog[0], strerror (saved));
  _exit (saved == ENOENT ? 127 : 126);
}

static int
status_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 1;
}

/* Reaps every exited child; returns 1 with *code set once the main child is among them. */
static int
reap (pid_t child, int *code)
{
  int done = 0;
  for (;;)
    {
      int status;
      pid_t pid = waitpid (-1, &status, WNOHANG);
      if (pid <= 0)
        return done; /* 0: others still running; -1 ECHILD: nothing left */
      if (pid == child)
        {
          *code = status_code (status);
          done = 1;
        }
    }
}

int
tsn_verb_init (int argc, char **argv)
{
  int pgroup = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        {
          i++;
          break;
        }
      if (strcmp (argv[i], "-g") == 0 || strcmp (argv[i], "--pgroup") == 0)
        pgroup = 1;
      else
        {
          usage ();
          return 2;
        }
    }
  if (i >= argc)
    {
      usage ();
      return 2;
    }
  if (getpid () != 1)
    prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  sigset_t all, old;
  sigfillset (&all);
  unblockable_faults (&all);
  sigprocmask (SIG_BLOCK, &all, &old);
  pid_t child = fork ();
  if (child < 0)
    {
      perror ("tscompose-native init: fork");
      return 1;
    }
  if (child == 0)
    run_child (argv + i, pgroup, &old);
  int code = 1;
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (&all, &info);
      if (sig < 0)
        continue; /* EINTR (a stop/continue): wait again */
      if (sig == SIGCHLD)
        {
          if (reap (child, &code))
            return code;
          continue;
        }
      /* ESRCH: the child is gone; its SIGCHLD is pending and ends the loop next. */
      kill (pgroup ? -child : child, sig);
    }
}
