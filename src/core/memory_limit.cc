#include "core/memory_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace cellgate {

std::uint64_t DataBytesInUse() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  unsigned long long kb = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "VmData: %llu kB", &kb) == 1) break;
  }
  std::fclose(f);
  return static_cast<std::uint64_t>(kb) << 10;
}

Status LimitDataGrowth(std::uint64_t headroom_bytes) {
  const rlim_t limit = static_cast<rlim_t>(DataBytesInUse() + headroom_bytes);
  rlimit r{.rlim_cur = limit, .rlim_max = limit};
  if (::setrlimit(RLIMIT_DATA, &r) != 0) {
    return MakeError(ErrorCode::kInternal, std::string("setrlimit: ") + std::strerror(errno));
  }
  return Ok();
}

}  // namespace cellgate
