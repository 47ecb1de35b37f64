#include "core/base64.h"

#include <gtest/gtest.h>

namespace cellgate {
namespace {

TEST(Base64, EncodesWithPaddingAndDecodesLeniently) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(*Base64Decode("Zm9v\nYmFy"), "foobar");
  EXPECT_EQ(*Base64Decode("Zm8"), "fo");   // padding optional
  EXPECT_FALSE(Base64Decode("Zg==Zg=="));  // data after padding
  EXPECT_FALSE(Base64Decode("Z"));         // truncated group
  EXPECT_FALSE(Base64Decode("Zm9v!"));
}

std::string GoError(std::string_view in) {
  auto r = Base64DecodeGo(in);
  return r ? "ok:" + *r : r.error().message();
}

// Go's encoding/base64 StdEncoding.DecodeString (base64_test.go TestDecodeCorrupt, facts
// rewritten): '\r' and '\n' are skipped, padding is required, offsets as Go reports them.
TEST(Base64DecodeGo, GoOffsetsAndPadding) {
  EXPECT_EQ(GoError(""), "ok:");
  EXPECT_EQ(GoError("aGVsbG8="), "ok:hello");
  EXPECT_EQ(GoError("aGVs\r\nbG8="), "ok:hello");
  EXPECT_EQ(GoError("aGVsbG8"), "illegal base64 data at input byte 4");
  EXPECT_EQ(GoError("!!!!"), "illegal base64 data at input byte 0");
  EXPECT_EQ(GoError("===="), "illegal base64 data at input byte 0");
  EXPECT_EQ(GoError("x==="), "illegal base64 data at input byte 1");
  EXPECT_EQ(GoError("AA=A"), "illegal base64 data at input byte 2");
  EXPECT_EQ(GoError("AA="), "illegal base64 data at input byte 3");
  EXPECT_EQ(GoError("AAA=AAAA"), "illegal base64 data at input byte 4");
  EXPECT_EQ(GoError("AAAAA"), "illegal base64 data at input byte 4");
  EXPECT_EQ(GoError("AAAAAA"), "illegal base64 data at input byte 4");
  EXPECT_EQ(GoError("A="), "illegal base64 data at input byte 1");
  EXPECT_EQ(GoError("AA==\n"), "ok:" + std::string(1, '\0'));
  EXPECT_EQ(GoError("AAA=\n"), "ok:" + std::string(2, '\0'));
  EXPECT_EQ(GoError("AAAA\n"), "ok:" + std::string(3, '\0'));
  EXPECT_EQ(GoError("AAAA\nAAA"), "illegal base64 data at input byte 5");
}

}  // namespace
}  // namespace cellgate
