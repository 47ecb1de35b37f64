#include "sync/jq_path.h"

#include "sync/jq_sandbox.h"

namespace cellgate::sync {
namespace {

std::string Program(std::string_view expression) { return "path(" + std::string(expression) + ")"; }

Error Describe(const Error& e, const std::string& expression) {
  return e.Wrap("jq path expression \"" + expression + "\"");
}

// One step of a jq path: a key or a non-negative integer index; nullopt for a slice
// ({"start":..,"end":..}) or a negative or fractional index.
std::optional<PathStep> Step(const Json& step) {
  if (step.is_string()) return PathStep::Key(step.get<std::string>());
  if (step.is_number_unsigned()) return PathStep::Index(step.get<std::size_t>());
  if (step.is_number_integer() && step.get<std::int64_t>() >= 0) {
    return PathStep::Index(static_cast<std::size_t>(step.get<std::int64_t>()));
  }
  if (step.is_number_float()) {
    const double d = step.get<double>();
    if (d >= 0 && d < 1e15 && static_cast<double>(static_cast<std::size_t>(d)) == d) {
      return PathStep::Index(static_cast<std::size_t>(d));
    }
  }
  return std::nullopt;
}

}  // namespace

struct JqPathQuery::State {
  std::string program;
};

JqPathQuery::JqPathQuery(std::string expression, std::unique_ptr<State> state)
    : expression_(std::move(expression)), state_(std::move(state)) {}
JqPathQuery::JqPathQuery(JqPathQuery&&) noexcept = default;
JqPathQuery& JqPathQuery::operator=(JqPathQuery&&) noexcept = default;
JqPathQuery::~JqPathQuery() = default;

Result<JqPathQuery> JqPathQuery::Compile(std::string_view expression) {
  auto state = std::make_unique<State>();
  state->program = Program(expression);
  if (auto compiled = DefaultJqSandbox().Run(state->program, nullptr); !compiled) {
    return std::unexpected(Describe(compiled.error(), std::string(expression)));
  }
  return JqPathQuery(std::string(expression), std::move(state));
}

Result<std::vector<JsonPath>> JqPathQuery::Paths(const Json& doc) const {
  const std::string text = doc.dump();
  auto outputs = DefaultJqSandbox().Run(state_->program, &text);
  if (!outputs) return std::unexpected(Describe(outputs.error(), expression_));
  std::vector<JsonPath> paths;
  for (const Json& out : *outputs) {
    if (!out.is_array() || out.empty()) continue;  // the root path is not deleted
    JsonPath path;
    bool deletable = true;
    for (const Json& step : out) {
      auto s = Step(step);
      if (!s) {
        deletable = false;
        break;
      }
      path.push_back(std::move(*s));
    }
    if (deletable) paths.push_back(std::move(path));
  }
  return paths;
}

}  // namespace cellgate::sync
