# shellcheck shell=bash
# Processes and ports of local cells, sourced by scripts/local-cells.
#
# Every process is started detached (own session, stdin from /dev/null, output to
# a log file) and recorded in a pid file. We only ever stop a pid that a pid file
# names AND whose /proc/<pid>/cmdline is still that binary started for that cell:
# pids get reused, and stopping processes by name would hit other people's etcds.

# proc_spawn CELL_DIR COMPONENT BINARY ARGS...: start detached, write pids/COMPONENT.pid.
proc_spawn() {
  local dir=$1 comp=$2
  shift 2
  local pidf="$dir/pids/$comp.pid" log="$dir/logs/$comp.log"
  mkdir -p "$dir/pids" "$dir/logs"
  rm -f "$pidf"
  # setsid: a new session, so neither the terminal's SIGHUP nor a CI step ending
  # our process group reaches it. The inner bash writes its own pid and then execs
  # the binary, so the pid file names the binary even if setsid had to fork.
  # 9>&- closes the lock fd: a daemon holding it would block every later `up`.
  # The outer ( ... & ) is a double fork: the daemon's parent exits at once, so
  # init adopts and reaps it and our shell never reports its death as a job.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  (setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidf" "$@" \
    </dev/null >>"$log" 2>&1 9>&- &)
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidf ]] && return 0
    sleep 0.02
  done
  echo "$comp: no pid file after 2s" >&2
  return 1
}

# proc_pid CELL_DIR COMPONENT: print the pid if it is alive and still ours.
# "Ours" means argv[0] is the component's binary and the command line mentions
# this cell's directory (every component gets a file under it as an argument).
proc_pid() {
  local dir=$1 comp=$2 pid cmdline
  [[ -r $dir/pids/$comp.pid ]] || return 1
  pid=$(<"$dir/pids/$comp.pid")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  local argv0=${cmdline%% *}
  [[ ${argv0##*/} == "$comp" && $cmdline == *"$dir/"* ]] || return 1
  # A zombie still has a cmdline but is gone for our purposes.
  [[ $(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) != Z ]] || return 1
  echo "$pid"
}

# proc_stop CELL_DIR COMPONENTS...: SIGTERM all of them at once, wait up to
# 10 s, then SIGKILL what is left. Parallel because an apiserver's graceful
# shutdown takes a few seconds and cells have five processes.
proc_stop() {
  local dir=$1
  shift
  local comp pid pids=()
  for comp in "$@"; do
    if pid=$(proc_pid "$dir" "$comp"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid:$comp")
    fi
    rm -f "$dir/pids/$comp.pid"
  done
  local deadline=$((SECONDS + 10)) entry left
  while ((${#pids[@]})); do
    left=()
    for entry in "${pids[@]}"; do
      # Our processes are not our children (setsid), so no `wait`; /proc tells.
      if [[ -d /proc/${entry%%:*} ]] && [[ $(awk '/^State:/ {print $2}' "/proc/${entry%%:*}/status" 2>/dev/null) != Z ]]; then
        left+=("$entry")
      fi
    done
    pids=("${left[@]}")
    ((${#pids[@]})) || break
    if ((SECONDS >= deadline)); then
      for entry in "${pids[@]}"; do
        echo "  ${entry#*:} (pid ${entry%%:*}) ignored SIGTERM for 10s; sending SIGKILL" >&2
        kill -KILL "${entry%%:*}" 2>/dev/null || true
      done
      break
    fi
    sleep 0.1
  done
}

# proc_rss_kib PID: resident set size in KiB (0 if gone).
proc_rss_kib() {
  awk '/^VmRSS:/ {print $2; found=1} END {if (!found) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# ports_in_use: local TCP ports that a new listener could not bind: those in
# LISTEN and those that are the local end of a live connection (a client's
# ephemeral port). TIME_WAIT and CLOSE are left out: Go listeners set
# SO_REUSEADDR, so a just-stopped cell's ports are free again at once.
# Read from /proc so we need neither ss nor netstat.
ports_in_use() {
  local f hex
  for f in /proc/net/tcp /proc/net/tcp6; do
    [[ -r $f ]] || continue
    # Column 2 is ADDR:PORT in hex, column 4 the state (06 TIME_WAIT, 07 CLOSE);
    # mawk has no strtonum, so bash converts.
    while read -r hex; do
      echo $((16#$hex))
    done < <(awk 'NR > 1 && $4 != "06" && $4 != "07" { n = split($2, a, ":"); print a[n] }' "$f")
  done | sort -un
}

# port_owner PORT: "name (pid N)" of a listener on PORT when ss can tell, else "".
port_owner() {
  command -v ss >/dev/null || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null |
    sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/\1 (pid \2)/p' | head -1
}

# port_is_free PORT: nothing in the kernel's TCP tables uses it right now.
port_is_free() {
  ! ports_in_use | grep -qx "$1"
}
