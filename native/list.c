/* `list [--format table|json] [--quiet]`: the containers of the state root. */
#include "cgroup.h"
#include "cli-args.h"
#include "report.h"
#include "status.h"
#include "utils.h"
#include "verbs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
print_one (int rootfd, const char *id, const char *format, int quiet, struct tsn_json_writer *w)
{
  cleanup_close int dirfd = tsn_rt_open_container_dir (rootfd, id, NULL);
  cleanup_state struct tsn_rt_state st = { 0 };
  enum tsn_rt_status s = TSN_RT_CREATING;
  if (dirfd < 0)
    return;
  int r = tsn_rt_state_read (dirfd, &st, NULL);
  if (r == 0)
    s = tsn_rt_status_of (dirfd, &st);
  else if (r != -ENOENT)
    return;
  if (st.id == NULL)
    st.id = id;
  if (quiet)
    printf ("%s\n", id);
  else if (strcmp (format, "json") == 0)
    tsn_rt_state_json (w, &st, s, -1);
  else
    printf ("%-24s %-8d %-10s %-40s %s\n", id, s == TSN_RT_STOPPED || r != 0 ? 0 : st.pid,
            tsn_rt_status_name (s), st.bundle ? st.bundle : "", st.created ? st.created : "");
}

int
tsn_verb_list (int argc, char **argv)
{
  tsn_err_t err = NULL;
  struct tsn_opt opts[] = { { .name = "format", .short_name = 'f', .has_value = 1 },
                            { .name = "quiet", .short_name = 'q' },
                            { 0 } };
  struct tsn_args args;
  if (tsn_args_parse (argc, argv, opts, 0, &args, &err) < 0 || args.n_pos != 0)
    {
      if (err == NULL)
        tsn_error (&err, 0, "list takes no arguments");
      return tsn_usage_error ("list", &err);
    }
  const char *format = opts[0].value ? opts[0].value : "table";
  int quiet = tsn_opt_true (&opts[1]);
  cleanup_json_writer struct tsn_json_writer w;
  tsn_json_w_init (&w);
  tsn_json_w_begin_array (&w);
  cleanup_close int rootfd = tsn_rt_open_root (0, NULL);
  if (!quiet && strcmp (format, "json") != 0)
    printf ("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  if (rootfd >= 0)
    {
      cleanup_dir DIR *d = fdopendir (openat (rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      struct dirent *de;
      while (d && (de = readdir (d)))
        if (de->d_name[0] != '.')
          print_one (rootfd, de->d_name, format, quiet, &w);
    }
  tsn_json_w_end_array (&w);
  if (!quiet && strcmp (format, "json") == 0)
    printf ("%s\n", tsn_json_w_str (&w));
  tsn_args_release (opts, &args);
  return 0;
}
