#include "controller/readiness.h"

namespace cellgate::controller {

Status ReplicaReadiness(const ReplicaState& state) {
  const bool acts = !state.leader_elect || state.leading;
  if (!acts) return Ok();  // a standby (see the header)
  if (!state.caches.has_value()) {
    return MakeError(ErrorCode::kUnavailable, state.leader_elect
                                                  ? "leader, starting: caches not listed yet"
                                                  : "starting: caches not listed yet");
  }
  if (!*state.caches) return std::unexpected(state.caches->error());
  return Ok();
}

}  // namespace cellgate::controller
