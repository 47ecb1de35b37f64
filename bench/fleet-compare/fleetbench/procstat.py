"""Memory and CPU of exactly one system's processes, from /proc.

The roots are the system's own pids (scripts/peers' pid files, the cellgate controller's
pid). Every second the sampler sums the RSS of the roots and of their live descendants
(Argo CD's repo-server runs git and kustomize as child processes; their memory is the
system's), and records the sum; peak RSS is the largest such sum.

CPU-seconds are utime + stime + cutime + cstime of the roots (/proc/<pid>/stat): the c*
fields hold the CPU of children the root has waited for, so the git processes a repo-server
ran count too. cpu() reads them at once, so a phase's CPU is the exact difference between
two reads at its boundaries, not a sampled estimate.

Thread-safety: start/stop/cpu/mark from one thread; the sampler has its own.
"""
import os
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    # comm may hold spaces and parentheses: split after the last ')'.
    rest = s[s.rindex(")") + 2:].split()
    return rest  # rest[0] = state (field 3); field n is rest[n - 3]


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def cpu_seconds(pid):
    try:
        r = _stat(pid)
    except (OSError, ValueError):
        return None
    utime, stime, cutime, cstime = (int(r[i - 3]) for i in (14, 15, 16, 17))
    return (utime + stime + cutime + cstime) / TICK


def descendants(roots):
    """roots plus every live descendant, from one scan of /proc."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            ppid = int(_stat(d)[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.add(p)
        todo.extend(children.get(p, []))
    return out


class Sampler:
    def __init__(self, roots, interval=1.0):
        self.roots = dict(roots)  # name -> pid
        self.interval = interval
        self.samples = []  # (monotonic, total rss bytes, {name: rss})
        self.peak = 0
        self.peak_by_process = {}
        self._last_cpu = {}  # pid -> last cpu read (a process that exits keeps its total)
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self):
        now = time.monotonic()
        per = {}
        total = 0
        for name, pid in self.roots.items():
            tree = descendants([pid])
            r = sum(rss_bytes(p) for p in tree)
            per[name] = r
            total += r
            self.peak_by_process[name] = max(self.peak_by_process.get(name, 0), r)
        self.samples.append((now, total, per))
        self.peak = max(self.peak, total)
        return total

    def cpu(self):
        """CPU-seconds of all roots so far (children they reaped included)."""
        total = 0.0
        for pid in self.roots.values():
            c = cpu_seconds(pid)
            if c is not None:
                self._last_cpu[pid] = c
            total += self._last_cpu.get(pid, 0.0)
        return total

    def cpu_by_process(self):
        out = {}
        for name, pid in self.roots.items():
            c = cpu_seconds(pid)
            out[name] = c if c is not None else self._last_cpu.get(pid, 0.0)
        return out

    def alive(self):
        return [n for n, p in self.roots.items() if os.path.exists(f"/proc/{p}")]

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.sample()
