#include "sync/jq_path.h"

#include <cmath>
#include <mutex>

extern "C" {
#include <jq.h>
}

namespace cellgate::sync {
namespace {

std::mutex& JqMutex() {
  static std::mutex mu;
  return mu;
}

// Collects the messages libjq reports while compiling.
void CollectError(void* data, jv msg) {
  auto* out = static_cast<std::string*>(data);
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    if (!out->empty()) *out += "; ";
    *out += jv_string_value(msg);
  }
  jv_free(msg);
}

// Takes ownership of `msg`.
std::string ErrorText(jv msg) {
  std::string text;
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    text = jv_string_value(msg);
    jv_free(msg);
  } else {
    jv dumped = jv_dump_string(msg, 0);
    text = jv_string_value(dumped);
    jv_free(dumped);
  }
  return text;
}

}  // namespace

struct JqPathQuery::State {
  jq_state* jq = nullptr;
  ~State() {
    if (jq != nullptr) {
      std::lock_guard<std::mutex> lock(JqMutex());
      jq_teardown(&jq);
    }
  }
};

JqPathQuery::JqPathQuery(std::string expression, std::unique_ptr<State> state)
    : expression_(std::move(expression)), state_(std::move(state)) {}
JqPathQuery::JqPathQuery(JqPathQuery&&) noexcept = default;
JqPathQuery& JqPathQuery::operator=(JqPathQuery&&) noexcept = default;
JqPathQuery::~JqPathQuery() = default;

Result<JqPathQuery> JqPathQuery::Compile(std::string_view expression) {
  auto state = std::make_unique<State>();
  std::string errors;
  std::string program = "path(" + std::string(expression) + ")";
  {
    std::lock_guard<std::mutex> lock(JqMutex());
    state->jq = jq_init();
    if (state->jq == nullptr) {
      return MakeError(ErrorCode::kResourceExhausted, "jq: cannot allocate a jq state");
    }
    jq_set_error_cb(state->jq, CollectError, &errors);
    int ok = jq_compile(state->jq, program.c_str());
    jq_set_error_cb(state->jq, nullptr, nullptr);
    if (!ok) {
      if (errors.empty()) errors = "compile error";
      return MakeError(ErrorCode::kInvalidArgument,
                       "jq path expression \"" + std::string(expression) + "\": " + errors);
    }
  }
  return JqPathQuery(std::string(expression), std::move(state));
}

Result<std::vector<JsonPath>> JqPathQuery::Paths(const Json& doc) const {
  std::string text = doc.dump();
  std::vector<JsonPath> paths;
  std::lock_guard<std::mutex> lock(JqMutex());
  jv input = jv_parse_sized(text.data(), static_cast<int>(text.size()));
  if (!jv_is_valid(input)) {
    return MakeError(ErrorCode::kInternal,
                     "jq: cannot read document: " + ErrorText(jv_invalid_get_msg(input)));
  }
  jq_start(state_->jq, input, 0);
  std::string error;
  while (true) {
    jv result = jq_next(state_->jq);
    if (!jv_is_valid(result)) {
      if (jv_invalid_has_msg(jv_copy(result)))
        error = ErrorText(jv_invalid_get_msg(result));
      else
        jv_free(result);
      break;
    }
    if (paths.size() >= kMaxJqPaths) {
      jv_free(result);
      error = "more than " + std::to_string(kMaxJqPaths) + " paths";
      break;
    }
    bool deletable = jv_get_kind(result) == JV_KIND_ARRAY && jv_array_length(jv_copy(result)) > 0;
    JsonPath path;
    int length = deletable ? jv_array_length(jv_copy(result)) : 0;
    for (int i = 0; i < length && deletable; ++i) {
      jv step = jv_array_get(jv_copy(result), i);
      if (jv_get_kind(step) == JV_KIND_STRING) {
        path.push_back(PathStep::Key(jv_string_value(step)));
      } else if (jv_get_kind(step) == JV_KIND_NUMBER) {
        double d = jv_number_value(step);
        if (d >= 0 && std::floor(d) == d && d < 1e15) {
          path.push_back(PathStep::Index(static_cast<std::size_t>(d)));
        } else {
          deletable = false;  // a negative index (`.[-1]`); not supported
        }
      } else {
        deletable = false;  // a slice {"start":..,"end":..}
      }
      jv_free(step);
    }
    jv_free(result);
    if (deletable) paths.push_back(std::move(path));
  }
  if (!error.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "jq path expression \"" + expression_ + "\": " + error);
  }
  return paths;
}

}  // namespace cellgate::sync
