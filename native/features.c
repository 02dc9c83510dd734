/* `features`: what this runtime implements, as runtime-spec features.md describes it. */
#include "caps.h"
#include "json.h"
#include "seccomp.h"
#include "namespaces.h"
#include "verbs.h"

#include <stdio.h>

static void
strings (struct tsn_json_writer *w, const char *key, const char *const *items)
{
  tsn_json_w_key (w, key);
  tsn_json_w_begin_array (w);
  for (; *items; items++)
    tsn_json_w_string (w, *items);
  tsn_json_w_end_array (w);
}

static void
flag (struct tsn_json_writer *w, const char *key, int value)
{
  tsn_json_w_key (w, key);
  tsn_json_w_bool (w, value);
}

static void
linux_features (struct tsn_json_writer *w)
{
  tsn_json_w_key (w, "linux");
  tsn_json_w_begin_object (w);
  tsn_json_w_key (w, "namespaces");
  tsn_json_w_begin_array (w);
  for (int i = 0; i < tsn_rt_n_ns_kinds; i++)
    if (tsn_rt_ns_kinds[i].flag != 0x10000000 /* CLONE_NEWUSER: not supported yet */)
      tsn_json_w_string (w, tsn_rt_ns_kinds[i].spec_name);
  tsn_json_w_end_array (w);
  tsn_json_w_key (w, "capabilities");
  tsn_json_w_begin_array (w);
  for (int cap = 0; tsn_rt_cap_name (cap); cap++)
    tsn_json_w_string (w, tsn_rt_cap_name (cap));
  tsn_json_w_end_array (w);
  tsn_json_w_key (w, "cgroup");
  tsn_json_w_begin_object (w);
  flag (w, "v1", 1);
  flag (w, "v2", 1);
  flag (w, "systemd", 0);
  flag (w, "systemdUser", 0);
  flag (w, "rdma", 0);
  tsn_json_w_end_object (w);
  tsn_json_w_key (w, "seccomp");
  tsn_json_w_begin_object (w);
  flag (w, "enabled", tsn_rt_seccomp_enabled);
  if (tsn_rt_seccomp_enabled)
    {
      static const char *const actions[]
          = { "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS",
              "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRACE", "SCMP_ACT_TRAP" };
      static const char *const operators[]
          = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",       "SCMP_CMP_LE",
              "SCMP_CMP_LT", "SCMP_CMP_NE", "SCMP_CMP_MASKED_EQ" };
      tsn_json_w_key (w, "actions");
      tsn_json_w_begin_array (w);
      for (size_t i = 0; i < sizeof (actions) / sizeof (actions[0]); i++)
        tsn_json_w_string (w, actions[i]);
      tsn_json_w_end_array (w);
      tsn_json_w_key (w, "operators");
      tsn_json_w_begin_array (w);
      for (size_t i = 0; i < sizeof (operators) / sizeof (operators[0]); i++)
        tsn_json_w_string (w, operators[i]);
      tsn_json_w_end_array (w);
    }
  tsn_json_w_end_object (w);
  tsn_json_w_key (w, "apparmor");
  tsn_json_w_begin_object (w);
  flag (w, "enabled", 0);
  tsn_json_w_end_object (w);
  tsn_json_w_key (w, "selinux");
  tsn_json_w_begin_object (w);
  flag (w, "enabled", 0);
  tsn_json_w_end_object (w);
  tsn_json_w_key (w, "intelRdt");
  tsn_json_w_begin_object (w);
  flag (w, "enabled", 0);
  tsn_json_w_end_object (w);
  tsn_json_w_key (w, "mountExtensions");
  tsn_json_w_begin_object (w);
  tsn_json_w_key (w, "idmap");
  tsn_json_w_begin_object (w);
  flag (w, "enabled", 0);
  tsn_json_w_end_object (w);
  tsn_json_w_end_object (w);
  tsn_json_w_end_object (w);
}

int
tsn_verb_features (int argc, char **argv)
{
  (void)argc;
  (void)argv;
  static const char *const hooks[]
      = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL };
  static const char *const mount_options[] = {
    "async",       "atime",       "bind",       "defaults",      "dev",
    "diratime",    "dirsync",     "exec",       "lazytime",      "loud",
    "mand",        "noatime",     "nodev",      "nodiratime",    "noexec",
    "nolazytime",  "nomand",      "norelatime", "nostrictatime", "nosuid",
    "nosymfollow", "private",     "rbind",      "relatime",      "remount",
    "ro",          "rprivate",    "rro",        "rrw",           "rshared",
    "rslave",      "runbindable", "rw",         "shared",        "silent",
    "slave",       "strictatime", "suid",       "symfollow",     "sync",
    "tmpcopyup",   "unbindable",  NULL,
  };
  struct tsn_json_writer w;
  tsn_json_w_init (&w);
  tsn_json_w_begin_object (&w);
  tsn_json_w_key (&w, "ociVersionMin");
  tsn_json_w_string (&w, "1.0.0");
  tsn_json_w_key (&w, "ociVersionMax");
  tsn_json_w_string (&w, "1.2.1");
  strings (&w, "hooks", hooks);
  strings (&w, "mountOptions", mount_options);
  linux_features (&w);
  tsn_json_w_end_object (&w);
  printf ("%s\n", tsn_json_w_str (&w));
  tsn_json_w_release (&w);
  return 0;
}
