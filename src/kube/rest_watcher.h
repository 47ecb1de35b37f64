// RestWatcher: the Watcher over one cell's Transport, as client-go's reflector does it.
//
// Each Watch runs on its own thread:
//   list (when no resourceVersion is given) -> kReplace
//   GET ...?watch=1&allowWatchBookmarks=true&resourceVersion=RV&timeoutSeconds=T
//     events go to the callback, RV advances with every event and bookmark
//   the server ends the request after T: reconnect at once from RV
//   410 Gone (HTTP or an ERROR event with code 410): re-list -> kReplace, then resume
//   connection lost, other HTTP errors, undecodable events: a kError event, then reconnect
//     from RV after an exponential backoff (reset by a healthy stream)
// Stop() interrupts the network wait (see StopSignal) and backoff sleeps, so stopping takes
// milliseconds, not a watch timeout.
//
// Thread-safety: thread-safe. The Transport, RestMapper and Reader must outlive every
// WatchHandle it returns.
#pragma once

#include <memory>
#include <string_view>

#include "kube/client.h"
#include "kube/rest_mapper.h"
#include "kube/transport.h"

namespace cellgate::kube {

class RestWatcher final : public Watcher {
 public:
  // `reader` does the (re-)lists.
  RestWatcher(Transport& transport, RestMapper& mapper, Reader& reader);

  Result<std::unique_ptr<WatchHandle>> Watch(const GroupVersionKind& gvk, std::string_view ns,
                                             const WatchOptions& options,
                                             WatchCallback on_event) override;

 private:
  Transport& transport_;
  RestMapper& mapper_;
  Reader& reader_;
};

}  // namespace cellgate::kube
