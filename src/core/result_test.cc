#include "core/result.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate {
namespace {

Result<int> Parse(bool ok) {
  if (!ok) return MakeError(ErrorCode::kInvalidArgument, "not a number");
  return 7;
}

Status Check(bool ok) {
  CG_TRY(Parse(ok));
  return Ok();
}

Result<std::string> Wrapped(bool ok) {
  auto r = Parse(ok);
  CG_TRY_WRAP(r, "read line 3");
  return std::to_string(*r);
}

Result<int> Declared(bool ok) {
  CG_ASSIGN_OR_RETURN(int v, Parse(ok));
  CG_ASSIGN_OR_RETURN(auto w, Parse(ok));
  return v + w;
}

Result<int> AssignedInUnbracedIf(bool take, bool ok) {
  int v = 1;
  if (take) CG_ASSIGN(v, Parse(ok));
  return v;
}

TEST(ResultMacrosTest, TryForwardsTheErrorAndPassesSuccess) {
  EXPECT_TRUE(Check(true).has_value());
  auto s = Check(false);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message(), "not a number");
}

TEST(ResultMacrosTest, TryWrapAddsContextOutermostFirst) {
  EXPECT_EQ(*Wrapped(true), "7");
  auto s = Wrapped(false);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message(), "read line 3: not a number");
}

TEST(ResultMacrosTest, AssignOrReturnDeclaresTwoNamesInOneScope) {
  EXPECT_EQ(*Declared(true), 14);
  EXPECT_FALSE(Declared(false).has_value());
}

TEST(ResultMacrosTest, AssignIsOneStatement) {
  EXPECT_EQ(*AssignedInUnbracedIf(false, false), 1);  // not taken: no error, no assignment
  EXPECT_EQ(*AssignedInUnbracedIf(true, true), 7);
  EXPECT_FALSE(AssignedInUnbracedIf(true, false).has_value());
}

}  // namespace
}  // namespace cellgate
