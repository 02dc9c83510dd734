/* Signal names; see signals.h. */
#include "signals.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct
{
  const char *name;
  int sig;
} signal_names[] = {
  { "HUP", SIGHUP },       { "INT", SIGINT },   { "QUIT", SIGQUIT },     { "ILL", SIGILL },
  { "TRAP", SIGTRAP },     { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },
  { "FPE", SIGFPE },       { "KILL", SIGKILL }, { "USR1", SIGUSR1 },     { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },     { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },     { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },     { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },     { "URG", SIGURG },
  { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
  { "WINCH", SIGWINCH },   { "IO", SIGIO },     { "POLL", SIGPOLL },     { "PWR", SIGPWR },
  { "SYS", SIGSYS },
};

static int
parse_number (const char *s, int *out)
{
  char *end;
  long v = strtol (s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 0 || v > 1000)
    return -1;
  *out = (int)v;
  return 0;
}

int
tsn_rt_parse_signal (const char *s, tsn_err_t *err)
{
  int n;
  if (parse_number (s, &n) == 0)
    {
      if (n <= 0 || n > SIGRTMAX)
        return tsn_error (err, 0, "invalid signal `%s`", s);
      return n;
    }
  const char *name = strncasecmp (s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < sizeof (signal_names) / sizeof (signal_names[0]); i++)
    if (strcasecmp (signal_names[i].name, name) == 0)
      return signal_names[i].sig;
  if (strncasecmp (name, "RTMIN", 5) == 0)
    {
      int off = 0;
      if (name[5] == '\0' || (name[5] == '+' && parse_number (name + 6, &off) == 0))
        if (SIGRTMIN + off <= SIGRTMAX)
          return SIGRTMIN + off;
    }
  if (strncasecmp (name, "RTMAX", 5) == 0)
    {
      int off = 0;
      if (name[5] == '\0' || (name[5] == '-' && parse_number (name + 6, &off) == 0))
        if (SIGRTMAX - off >= SIGRTMIN)
          return SIGRTMAX - off;
    }
  return tsn_error (err, 0, "unknown signal `%s`", s);
}
