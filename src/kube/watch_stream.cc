#include "kube/watch_stream.h"

namespace cellgate::kube {

Status LineBuffer::Feed(std::string_view chunk,
                        const std::function<Status(std::string_view)>& on_line) {
  while (!chunk.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      if (partial_.size() + chunk.size() > max_line_) {
        partial_.clear();
        return MakeError(ErrorCode::kResourceExhausted,
                         "watch event longer than " + std::to_string(max_line_) + " bytes");
      }
      partial_.append(chunk);
      return Ok();
    }
    std::string_view line = chunk.substr(0, nl);
    chunk.remove_prefix(nl + 1);
    std::string joined;
    if (!partial_.empty()) {
      joined = std::move(partial_);
      partial_.clear();
      joined.append(line);
      line = joined;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (auto s = on_line(line); !s) return s;
  }
  return Ok();
}

Result<WatchEvent> ParseWatchEvent(std::string_view line) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "watch event is not a JSON object (" +
                                                      std::to_string(line.size()) + " bytes)");
  }
  std::string type = StringAt(j, {"type"});
  auto object = j.find("object");
  if (object == j.end() || !object->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "watch event " + type + " has no object");
  }
  WatchEvent event;
  if (type == "ADDED") {
    event.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    event.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    event.type = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    event.type = WatchEventType::kBookmark;
  } else if (type == "ERROR") {
    event.type = WatchEventType::kError;
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "unknown watch event type \"" + type + "\"");
  }
  if (event.type != WatchEventType::kError) {
    event.resource_version = StringAt(*object, {"metadata", "resourceVersion"});
  }
  if (event.type == WatchEventType::kBookmark || event.type == WatchEventType::kError) {
    event.object = Object(std::move(*object));
    return event;
  }
  auto parsed = Object::FromJson(std::move(*object));
  CG_TRY_WRAP(parsed, "watch event " + type);
  event.object = std::move(*parsed);
  return event;
}

long WatchErrorCode(const WatchEvent& event) {
  const Json& body = event.object.body();
  auto code = body.find("code");
  if (code == body.end() || !code->is_number_integer()) return 0;
  return code->get<long>();
}

Object StatusObject(const Error& error, long code) {
  Json status = {{"apiVersion", "v1"},
                 {"kind", "Status"},
                 {"status", "Failure"},
                 {"message", error.message()},
                 {"reason", std::string(ErrorCodeName(error.code()))},
                 {"code", code}};
  return Object(std::move(status));
}

}  // namespace cellgate::kube
