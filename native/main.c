/* tscompose-native: OCI runtime verbs in runc's command-line shape, the per-container shim, and
 * the safe layer unpacker, in one binary. This file only parses the global options and
 * dispatches to the verb table. */
#include "error.h"
#include "utils.h"
#include "verbs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int tsn_log_json;

struct tsn_globals_s tsn_globals = { .root = TSN_DEFAULT_ROOT };

struct verb
{
  const char *name;
  tsn_verb_fn *fn; /* address of the (weak) function pointer slot */
  const char *summary;
};

/* Filled at startup because weak symbols are not constant expressions for every toolchain. */
static tsn_verb_fn verb_fns[32]; /* room for more verbs; fill_verb_table sets the used slots */

static const struct verb verbs[] = {
  { "create", &verb_fns[0], "create a container from a bundle (the program waits for start)" },
  { "start", &verb_fns[1], "start the program of a created container" },
  { "state", &verb_fns[2], "print the state of a container as JSON" },
  { "kill", &verb_fns[3], "send a signal to the container's init process" },
  { "delete", &verb_fns[4], "delete a container's resources" },
  { "exec", &verb_fns[5], "run a process inside a running container" },
  { "run", &verb_fns[6], "create and start a container, wait for it" },
  { "list", &verb_fns[7], "list containers" },
  { "pause", &verb_fns[8], "freeze all processes of a container" },
  { "resume", &verb_fns[9], "thaw a paused container" },
  { "ps", &verb_fns[10], "list the processes of a container" },
  { "features", &verb_fns[11], "print the runtime's features as JSON" },
  { "shim", &verb_fns[12], "supervise one container (logs, exit status, restarts, health)" },
  { "unpack", &verb_fns[13], "apply an uncompressed layer tar from stdin to a directory" },
  { "init", &verb_fns[14], "minimal init for containers (reaps children, forwards signals)" },
  { "dns", &verb_fns[15], "service-discovery DNS responder for an engine root's networks" },
};

static void
fill_verb_table (void)
{
  verb_fns[0] = tsn_verb_create;
  verb_fns[1] = tsn_verb_start;
  verb_fns[2] = tsn_verb_state;
  verb_fns[3] = tsn_verb_kill;
  verb_fns[4] = tsn_verb_delete;
  verb_fns[5] = tsn_verb_exec;
  verb_fns[6] = tsn_verb_run;
  verb_fns[7] = tsn_verb_list;
  verb_fns[8] = tsn_verb_pause;
  verb_fns[9] = tsn_verb_resume;
  verb_fns[10] = tsn_verb_ps;
  verb_fns[11] = tsn_verb_features;
  verb_fns[12] = tsn_verb_shim;
  verb_fns[13] = tsn_verb_unpack;
  verb_fns[14] = tsn_verb_init;
  verb_fns[15] = tsn_verb_dns;
}

static void
usage (FILE *out)
{
  fputs ("usage: tscompose-native [--root DIR] [--log FILE] [--log-format text|json] [--debug] VERB "
         "[ARGS]\n\nverbs:\n",
         out);
  for (size_t i = 0; i < sizeof (verbs) / sizeof (verbs[0]); i++)
    if (*verbs[i].fn)
      fprintf (out, "  %-9s %s\n", verbs[i].name, verbs[i].summary);
}

/* Accepts both "--opt value" and "--opt=value". Returns the value or NULL. */
static const char *
option_value (int argc, char **argv, int *i, const char *name)
{
  size_t n = strlen (name);
  if (strncmp (argv[*i], name, n) != 0)
    return NULL;
  if (argv[*i][n] == '=')
    return argv[*i] + n + 1;
  if (argv[*i][n] == '\0' && *i + 1 < argc)
    return argv[++*i];
  return NULL;
}

int
main (int argc, char **argv)
{
  fill_verb_table ();
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      const char *v;
      if ((v = option_value (argc, argv, &i, "--root")))
        tsn_globals.root = v;
      else if ((v = option_value (argc, argv, &i, "--log")))
        tsn_globals.log_path = v;
      else if ((v = option_value (argc, argv, &i, "--log-format")))
        tsn_log_json = tsn_globals.log_json = strcmp (v, "json") == 0;
      else if (strcmp (argv[i], "--debug") == 0)
        tsn_globals.debug = 1;
      else if (strcmp (argv[i], "--systemd-cgroup") == 0)
        ; /* accepted for runc compatibility; cgroupfs is always used */
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return 0;
        }
      else if (strcmp (argv[i], "--version") == 0 || strcmp (argv[i], "-v") == 0)
        {
          puts ("tscompose-native version 0.1.0\nspec: 1.2.1");
          return 0;
        }
      else
        {
          fprintf (stderr, "tscompose-native: unknown global option `%s`\n", argv[i]);
          return 2;
        }
    }
  if (i >= argc)
    {
      usage (stderr);
      return 2;
    }
  for (size_t k = 0; k < sizeof (verbs) / sizeof (verbs[0]); k++)
    if (strcmp (argv[i], verbs[k].name) == 0)
      {
        if (*verbs[k].fn == NULL)
          {
            fprintf (stderr, "tscompose-native: verb `%s` is not available in this build\n", argv[i]);
            return 2;
          }
        return (*verbs[k].fn) (argc - i, argv + i);
      }
  fprintf (stderr, "tscompose-native: unknown verb `%s`\n", argv[i]);
  usage (stderr);
  return 2;
}
