// Reading Argo CD Secrets: the boolean and integer rules are Go's strconv (atob.go
// ParseBool, atoi.go ParseInt), which util/db/secrets.go boolOrFalse and intOrZero call.
#include "argo/secret_data.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base64.h"

namespace cellgate::argo {
namespace {

TEST(ParseGoBool, AcceptsExactlyStrconvsSpellings) {
  struct Case {
    std::string text;
    std::optional<bool> want;
  };
  for (const Case& c : std::vector<Case>{{"1", true},
                                         {"t", true},
                                         {"T", true},
                                         {"TRUE", true},
                                         {"true", true},
                                         {"True", true},
                                         {"0", false},
                                         {"f", false},
                                         {"F", false},
                                         {"FALSE", false},
                                         {"false", false},
                                         {"False", false},
                                         {"", std::nullopt},
                                         {"yes", std::nullopt},
                                         {"tRUE", std::nullopt},
                                         {" true", std::nullopt},
                                         {"true\n", std::nullopt},
                                         {"2", std::nullopt},
                                         {"on", std::nullopt}}) {
    EXPECT_EQ(ParseGoBool(c.text), c.want) << '"' << c.text << '"';
  }
}

TEST(ParseGoInt64, DecimalWithSignInRange) {
  struct Case {
    std::string text;
    std::optional<std::int64_t> want;
  };
  for (const Case& c : std::vector<Case>{{"0", 0},
                                         {"42", 42},
                                         {"+7", 7},
                                         {"-7", -7},
                                         {"007", 7},
                                         {"9223372036854775807", INT64_MAX},
                                         {"-9223372036854775808", INT64_MIN},
                                         {"9223372036854775808", std::nullopt},
                                         {"-9223372036854775809", std::nullopt},
                                         {"", std::nullopt},
                                         {"+", std::nullopt},
                                         {"-", std::nullopt},
                                         {" 1", std::nullopt},
                                         {"1 ", std::nullopt},
                                         {"0x10", std::nullopt},
                                         {"1_000", std::nullopt},  // underscores only with base 0
                                         {"1.5", std::nullopt},
                                         {"++1", std::nullopt}}) {
    EXPECT_EQ(ParseGoInt64(c.text), c.want) << '"' << c.text << '"';
  }
}

Object Secret(Json data, Json string_data = nullptr) {
  Json body = {{"apiVersion", "v1"},
               {"kind", "Secret"},
               {"metadata",
                {{"name", "s"},
                 {"namespace", "argocd"},
                 {"labels", {{"argocd.argoproj.io/secret-type", "repository"}, {"n", 1}}}}},
               {"data", std::move(data)}};
  if (!string_data.is_null()) body["stringData"] = std::move(string_data);
  return Object(std::move(body));
}

TEST(SecretValue, DataDecodedStringDataOverridesAbsentIsNullopt) {
  Object s =
      Secret({{"url", Base64Encode("https://a")}, {"empty", ""}, {"both", Base64Encode("d")}},
             {{"both", "plain"}, {"blank", ""}});
  EXPECT_EQ(SecretValue(s, "url").value(), std::optional<std::string>("https://a"));
  EXPECT_EQ(SecretValue(s, "empty").value(), std::optional<std::string>(""));
  EXPECT_EQ(SecretValue(s, "both").value(), std::optional<std::string>("plain"));
  EXPECT_EQ(SecretValue(s, "missing").value(), std::nullopt);
  // The API server merges stringData into data on write, an empty value included.
  EXPECT_EQ(SecretValue(s, "blank").value(), std::optional<std::string>(""));
}

TEST(SecretValue, BrokenBase64NamesTheKeyNotTheValue) {
  for (const Json& bad : {Json("c2VjcmV0LXRva2Vu!!"), Json(12)}) {
    auto v = SecretValue(Secret({{"password", bad}}), "password");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(v.error().message().find("data.password"), std::string::npos);
    EXPECT_EQ(v.error().message().find("c2VjcmV0"), std::string::npos) << v.error().message();
  }
}

TEST(SecretType, ReadsTheLabelOfSecretsOnly) {
  Object s = Secret(Json::object());
  EXPECT_TRUE(IsSecretOfType(s, kSecretTypeRepository));
  EXPECT_FALSE(IsSecretOfType(s, kSecretTypeCluster));
  Json cm = s.body();
  cm["kind"] = "ConfigMap";
  EXPECT_FALSE(IsSecretOfType(Object(cm), kSecretTypeRepository));
  // Non-string label values are skipped.
  EXPECT_EQ(MetadataStrings(s, "labels"),
            (std::map<std::string, std::string>{{"argocd.argoproj.io/secret-type", "repository"}}));
}

}  // namespace
}  // namespace cellgate::argo
