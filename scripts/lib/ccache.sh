# shellcheck shell=bash
# ccache settings for every build lane (Release, ASan, TSan, fuzz, bench), in one place.
# The cache lives beside the Kubernetes tools cache (scripts/kube-tools), outside the clone,
# and paths are hashed relative to the clone, so a fresh clone at another path (as CI makes)
# reuses what an earlier clone compiled. CMakeLists.txt puts ccache in front of the compilers.
#
#   source scripts/lib/ccache.sh    export the settings into this shell
#   scripts/lib/ccache.sh           print them as NAME=VALUE lines (the Makefile reads these)
#
# CELLGATE_CACHE moves the whole cache (default ~/.cache/cellgate); CCACHE_MAXSIZE set by the
# caller wins over the default below.

_cg_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CCACHE_DIR="${CELLGATE_CACHE:-$HOME/.cache/cellgate}/ccache"
export CCACHE_BASEDIR="$_cg_root"
export CCACHE_NOHASHDIR=true
# The ASan, TSan, Release, fuzz and bench trees together take about 3 GiB.
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
unset _cg_root

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  printf '%s\n' "CCACHE_DIR=$CCACHE_DIR" "CCACHE_BASEDIR=$CCACHE_BASEDIR" \
    "CCACHE_NOHASHDIR=$CCACHE_NOHASHDIR" "CCACHE_MAXSIZE=$CCACHE_MAXSIZE"
fi
