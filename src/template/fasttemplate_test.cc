#include "template/fasttemplate.h"

#include <gtest/gtest.h>

#include "template/render_strings.h"

namespace cellgate::tmpl {
namespace {

Json Params() {
  return Json{{"name", "cell-1"},       {"server", "https://10.0.0.1"},
              {"path.basename", "web"}, {"metadata.labels.region", "eu"},
              {"values.foo", "bar"},    {"count", 3}};
}

TEST(FastTemplate, ReplacesKnownParameters) {
  auto R = [](const char* s) { return *RenderFastTemplate(s, Params()); };
  EXPECT_EQ(R("{{name}}-backend"), "cell-1-backend");
  EXPECT_EQ(R("{{ server }}"), "https://10.0.0.1");
  EXPECT_EQ(R("apps/{{path.basename}}/{{metadata.labels.region}}/{{values.foo}}"),
            "apps/web/eu/bar");
  EXPECT_EQ(R("{{\tname\t}}"), "cell-1");
}

TEST(FastTemplate, LeavesUnknownAndNonStringAsIs) {
  auto R = [](const char* s) { return *RenderFastTemplate(s, Params()); };
  EXPECT_EQ(R("{{ unknown }}/{{name}}"), "{{ unknown }}/cell-1");
  EXPECT_EQ(R("{{count}}"), "{{count}}");
  EXPECT_EQ(R("{{}}"), "{{}}");
  EXPECT_EQ(R("{{ .name }}"), "{{ .name }}");  // Go syntax means nothing here
}

TEST(FastTemplate, OnlyRendersWhenALineHoldsBothBraces) {
  // Argo CD's `.*{{.*}}.*` check: braces on different lines are plain text.
  auto out = RenderFastTemplate("{{name\n}}", Params());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "{{name\n}}");
  EXPECT_EQ(*RenderFastTemplate("no braces", Params()), "no braces");
}

TEST(FastTemplate, UnclosedTagIsAnError) {
  auto out = RenderFastTemplate("{{name}} and {{oops", Params());
  ASSERT_FALSE(out.has_value());
  EXPECT_NE(out.error().message().find("cannot find end tag"), std::string::npos);
}

TEST(RenderStrings, RendersValuesAndKeysOnly) {
  Json tmpl = {{"metadata", {{"name", "{{name}}-app"}, {"annotations", {{"team/{{name}}", "x"}}}}},
               {"spec", {{"replicas", 3}, {"flag", true}, {"list", {"{{server}}", 1}}}}};
  auto out =
      RenderJsonStrings(tmpl, [](const std::string& s) { return RenderFastTemplate(s, Params()); });
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ((*out)["metadata"]["name"], "cell-1-app");
  EXPECT_EQ((*out)["metadata"]["annotations"]["team/cell-1"], "x");
  EXPECT_EQ((*out)["spec"]["replicas"], 3);
  EXPECT_EQ((*out)["spec"]["list"][0], "https://10.0.0.1");
}

TEST(RenderStrings, ErrorsNameThePath) {
  Json tmpl = {{"spec", {{"source", {{"path", "{{name}}/{{oops"}}}}}};
  auto out =
      RenderJsonStrings(tmpl, [](const std::string& s) { return RenderFastTemplate(s, Params()); });
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().message().rfind("spec.source.path: ", 0), 0u) << out.error().message();
}

}  // namespace
}  // namespace cellgate::tmpl
