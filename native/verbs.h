/* The verbs of tscompose-native. Each lives in its own file (create.c, shim.c, unpack.c, ...) and
 * takes the arguments after the verb name (argv[0] is the verb). Global options (runc's shape:
 * --root, --log, --log-format, --debug) are parsed by main.c into tsn_globals first. */
#ifndef TSN_VERBS_H
#define TSN_VERBS_H

struct tsn_globals_s
{
  const char *root;     /* state directory for runtime verbs (default TSN_DEFAULT_ROOT) */
  const char *log_path; /* --log: where runtime verbs append their log, or NULL */
  int log_json;         /* --log-format json */
  int debug;            /* --debug */
};

#define TSN_DEFAULT_ROOT "/run/tscompose-native"

extern struct tsn_globals_s tsn_globals;

typedef int (*tsn_verb_fn) (int argc, char **argv);

/* Declared weak so the binary links while a verb is still being written; main.c reports a
 * missing one as "verb not available in this build". */
#define TSN_VERB(name) int tsn_verb_##name (int argc, char **argv) __attribute__ ((weak))
TSN_VERB (create);
TSN_VERB (start);
TSN_VERB (state);
TSN_VERB (kill);
TSN_VERB (delete);
TSN_VERB (exec);
TSN_VERB (run);
TSN_VERB (list);
TSN_VERB (pause);
TSN_VERB (resume);
TSN_VERB (ps);
TSN_VERB (features);
TSN_VERB (shim);
TSN_VERB (unpack);
TSN_VERB (init);
TSN_VERB (dns);
#undef TSN_VERB

#endif
