#include "http/signature.h"

#include <gtest/gtest.h>

namespace cellgate::http {
namespace {

TEST(Signature, HmacSha256MatchesPublishedVectors) {
  // RFC 4231, test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // GitHub's "Validating webhook deliveries" example.
  EXPECT_EQ(HmacSha256Hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(Signature, VerifiesHexInEitherCase) {
  std::string mac = HmacSha256Hex("s3cr3t", "{\"ref\":\"refs/heads/main\"}");
  EXPECT_TRUE(VerifyHmacSha256Hex("s3cr3t", "{\"ref\":\"refs/heads/main\"}", mac));
  std::string upper = mac;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(VerifyHmacSha256Hex("s3cr3t", "{\"ref\":\"refs/heads/main\"}", upper));
}

TEST(Signature, RejectsWrongKeyBodyAndMalformedSignatures) {
  std::string body = "payload";
  std::string mac = HmacSha256Hex("right", body);
  EXPECT_FALSE(VerifyHmacSha256Hex("wrong", body, mac));
  EXPECT_FALSE(VerifyHmacSha256Hex("right", body + " ", mac));
  EXPECT_FALSE(VerifyHmacSha256Hex("right", body, mac.substr(0, 63)));
  EXPECT_FALSE(VerifyHmacSha256Hex("right", body, mac + "0"));
  EXPECT_FALSE(VerifyHmacSha256Hex("right", body, ""));
  std::string not_hex = mac;
  not_hex[10] = 'g';
  EXPECT_FALSE(VerifyHmacSha256Hex("right", body, not_hex));
}

TEST(Signature, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("token-123", "token-123"));
  EXPECT_FALSE(ConstantTimeEquals("token-123", "token-124"));
  EXPECT_FALSE(ConstantTimeEquals("token-123", "token-1234"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace cellgate::http
