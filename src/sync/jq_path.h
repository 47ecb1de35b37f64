// jq path expressions (Argo CD's ignoreDifferences[].jqPathExpressions) through libjq.
//
// Argo CD deletes with gojq `del(<expr>)`. We compile `path(<expr>)` instead and delete the
// returned paths from our own JSON (json_path.h EraseAll, which is what jq's del does: sort,
// then delete from the last). Same result, and three reasons for the detour: numbers keep
// their exact value (jq 1.6 holds every number as a double, so a round trip through jq would
// turn 12345678901234567890 into 1.2345678901234567e+19); RespectIgnoreDifferences needs the
// paths themselves; and key order of the document is untouched.
//
// Limits: expressions are written by whoever may edit an Application, a tenant among them, so
// they run in the jq sandbox (jq_sandbox.h): 1 s per evaluation (Argo CD's default jq
// timeout), a memory limit, no modules, no environment, at most kMaxJqPaths paths. A
// runaway expression fails that app's comparison with an error; nothing else waits on it.
//
// Thread-safety: a JqPathQuery may be shared between threads; evaluations are served one at a
// time by the sandbox's worker.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "sync/json_path.h"

namespace cellgate::sync {

inline constexpr std::size_t kMaxJqPaths = 100'000;

class JqPathQuery {
 public:
  // Compiles path(<expression>). kInvalidArgument with jq's message on a syntax error.
  static Result<JqPathQuery> Compile(std::string_view expression);

  JqPathQuery(JqPathQuery&&) noexcept;
  JqPathQuery& operator=(JqPathQuery&&) noexcept;
  ~JqPathQuery();

  // The paths the expression selects in `doc`, in jq's order. A jq runtime error (e.g.
  // iterating over a string) is kInvalidArgument. Paths with a slice step (`.[1:3]`) or a
  // negative index (`.[-1]`), and the root path, are left out.
  Result<std::vector<JsonPath>> Paths(const Json& doc) const;

  const std::string& expression() const { return expression_; }

 private:
  struct State;
  JqPathQuery(std::string expression, std::unique_ptr<State> state);

  std::string expression_;
  std::unique_ptr<State> state_;
};

}  // namespace cellgate::sync
