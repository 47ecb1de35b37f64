// Decoding a watch response: newline-delimited JSON events
//   {"type":"ADDED","object":{...}}\n{"type":"BOOKMARK","object":{...}}\n...
// arriving in arbitrary chunks (an event may be split anywhere, several may share a chunk).
//
// Pure: LineBuffer reassembles lines, ParseWatchEvent decodes one. The watch loop
// (rest_watcher.h) feeds them from the transport.
//
// Thread-safety: LineBuffer is not thread-safe (one per stream); ParseWatchEvent is pure.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kube/client.h"

namespace cellgate::kube {

class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line = std::size_t{64} << 20) : max_line_(max_line) {}

  // Calls on_line for every line completed by `chunk` (without "\n" or "\r\n"; empty lines
  // skipped), in order. Stops at, and returns, the first error from on_line.
  // kResourceExhausted when a line grows past max_line.
  Status Feed(std::string_view chunk, const std::function<Status(std::string_view)>& on_line);

  std::size_t pending() const { return partial_.size(); }

 private:
  std::size_t max_line_;
  std::string partial_;
};

// One event line. ADDED/MODIFIED/DELETED need a valid object; BOOKMARK and ERROR objects are
// taken as they are. kInvalidArgument for anything else (the message does not quote the line).
Result<WatchEvent> ParseWatchEvent(std::string_view line);

// For ERROR events: the Status code (410 means the resource version expired); 0 if none.
long WatchErrorCode(const WatchEvent& event);

// A Status object describing a client-side failure, for kError events.
Object StatusObject(const Error& error, long code);

}  // namespace cellgate::kube
