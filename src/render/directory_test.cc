#include "render/directory.h"

#include <gtest/gtest.h>

#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

using testing::MemorySnapshot;

std::string Cm(const std::string& name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
}

std::vector<std::string> Names(const DirectoryRender& r) {
  std::vector<std::string> out;
  for (const auto& o : r.objects) out.push_back(o.Name());
  return out;
}

MemorySnapshot Tree() {
  MemorySnapshot s;
  s.AddFile("apps/web/a.yaml", Cm("a"));
  s.AddFile("apps/web/b.yml", Cm("b") + "---\n" + Cm("b2"));
  s.AddFile("apps/web/c.json", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  s.AddFile("apps/web/README.md", "# not a manifest\n");
  s.AddFile("apps/web/notes.txt", "apiVersion: v1\n");
  s.AddFile("apps/web/sub/d.yaml", Cm("d"));
  s.AddFile("apps/web/sub/deeper/e.yaml", Cm("e"));
  s.AddFile("apps/other/x.yaml", Cm("x"));
  return s;
}

TEST(Directory, TopLevelOnlyWithoutRecurse) {
  auto s = Tree();
  auto r = RenderDirectory(s, "apps/web", {});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"a", "b", "b2", "c"}));
  EXPECT_EQ(r->objects[0].origin().file, "apps/web/a.yaml");
  EXPECT_EQ(r->objects[2].origin().document, 1);
}

TEST(Directory, RecurseReadsSubdirectories) {
  auto s = Tree();
  auto r = RenderDirectory(s, "apps/web", {.recurse = true});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"a", "b", "b2", "c", "d", "e"}));
}

TEST(Directory, IncludeAndExcludeMatchPathsRelativeToTheApp) {
  auto s = Tree();
  auto inc = RenderDirectory(s, "apps/web", {.recurse = true, .include = "{a.yaml,sub/*}"});
  ASSERT_TRUE(inc) << inc.error().message();
  EXPECT_EQ(Names(*inc), (std::vector<std::string>{"a", "d", "e"}));
  auto exc = RenderDirectory(s, "apps/web", {.recurse = true, .exclude = "*.json"});
  ASSERT_TRUE(exc);
  EXPECT_EQ(Names(*exc), (std::vector<std::string>{"a", "b", "b2", "d", "e"}));
  // exclude wins over include
  auto both = RenderDirectory(s, "apps/web",
                              {.recurse = true, .include = "*.yaml", .exclude = "sub/deeper/*"});
  ASSERT_TRUE(both);
  EXPECT_EQ(Names(*both), (std::vector<std::string>{"a", "d"}));
  // gobwas closes an unclosed '{' at the end of the pattern (syntax/ast/parser.go), so Argo CD
  // renders a.yaml for "{a.yaml"; an unclosed '[' is a compile error there.
  auto unclosed = RenderDirectory(s, "apps/web", {.include = "{a.yaml"});
  ASSERT_TRUE(unclosed) << unclosed.error().message();
  EXPECT_EQ(Names(*unclosed), (std::vector<std::string>{"a"}));
  auto bad = RenderDirectory(s, "apps/web", {.include = "[a"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("directory.include"), std::string::npos);
}

TEST(Directory, RootPath) {
  MemorySnapshot s;
  s.AddFile("top.yaml", Cm("top"));
  s.AddFile("apps/x.yaml", Cm("x"));
  auto r = RenderDirectory(s, "", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"top"}));
}

TEST(Directory, MissingPathIsNotFound) {
  auto s = Tree();
  auto r = RenderDirectory(s, "apps/nope", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().message().find("apps/nope"), std::string::npos);
}

TEST(Directory, InvalidYamlNamesFileAndLine) {
  auto s = Tree();
  s.AddFile("apps/web/broken.yaml", Cm("ok") +
                                        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                        "  name: x\n   bad: indent\n");
  auto r = RenderDirectory(s, "apps/web", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("apps/web/broken.yaml:10"), std::string::npos)
      << r.error().message();
}

TEST(Directory, UnrelatedYamlIsSkippedWithANote) {
  auto s = Tree();
  s.AddFile("apps/web/values.yaml", "replicas: 3\nimage: {tag: v1}\n");
  auto r = RenderDirectory(s, "apps/web", {});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->objects.size(), 4u);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("apps/web/values.yaml"), std::string::npos);
}

TEST(Directory, JsonnetWithoutAnEvaluatorIsRefusedUnlessExcluded) {
  auto s = Tree();
  s.AddFile("apps/web/app.jsonnet", "{}");
  auto r = RenderDirectory(s, "apps/web", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("apps/web/app.jsonnet: jsonnet cannot be evaluated"),
            std::string::npos);
  EXPECT_TRUE(RenderDirectory(s, "apps/web", {.exclude = "*.jsonnet"}));
}

// Argo CD's findManifests walks the files in order and appends each file's objects, jsonnet
// output included, where the file stands (reposerver/repository/repository.go).
TEST(Directory, JsonnetObjectsTakeTheirFilesPlaces) {
  auto s = Tree();
  s.AddFile("apps/web/b.jsonnet", "ignored by the fake evaluator");
  s.AddFile("apps/web/sub/z.jsonnet", "not selected without recurse");
  s.AddFile("apps/web/skipped.jsonnet", "excluded");
  std::vector<std::string> asked;
  JsonnetEvaluator fake = [&](const std::vector<std::string>& files) {
    asked = files;
    std::vector<std::vector<Object>> out;
    for (const auto& f : files) {
      Json cm = {{"apiVersion", "v1"},
                 {"kind", "ConfigMap"},
                 {"metadata", {{"name", std::string(BaseName(f))}}}};
      out.push_back({Object(cm, Origin{f})});
    }
    return Result<std::vector<std::vector<Object>>>(std::move(out));
  };
  auto r = RenderDirectory(s, "apps/web", {.exclude = "skipped.jsonnet"}, {}, fake);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(asked, std::vector<std::string>{"apps/web/b.jsonnet"});
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"a", "b.jsonnet", "b", "b2", "c"}));
}

TEST(Directory, SymlinksInsideAreFollowedAndRecordedOutsideRefused) {
  auto s = Tree();
  s.AddSymlink("apps/web/shared.yaml", "../other/x.yaml");
  auto r = RenderDirectory(s, "apps/web", {});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(Names(*r).back(), "x");
  ASSERT_EQ(r->symlinked_files.size(), 1u);
  EXPECT_EQ(r->symlinked_files[0].path, "apps/web/shared.yaml");

  s.AddSymlink("apps/web/passwd.yaml", "../../../../etc/passwd");
  auto escape = RenderDirectory(s, "apps/web", {});
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().code(), ErrorCode::kPermissionDenied);
}

TEST(Directory, SizeLimits) {
  auto s = Tree();
  s.AddFile("apps/web/huge.yaml", Cm("huge") + "data:\n  k: " + std::string(2000, 'x') + "\n");
  auto r = RenderDirectory(s, "apps/web", {}, {.max_combined_bytes = 1000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  auto one_file = RenderDirectory(s, "apps/web", {}, {.yaml = {.max_bytes = 1000}});
  ASSERT_FALSE(one_file);
  EXPECT_EQ(one_file.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(one_file.error().message().find("huge.yaml"), std::string::npos);
}

TEST(Directory, AliasBombIsBounded) {
  MemorySnapshot s;
  std::string bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n";
  bomb += "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  s.AddFile("bomb/cm.yaml", bomb);
  auto r = RenderDirectory(s, "bomb", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(r.error().message().find("bomb/cm.yaml"), std::string::npos);
}

// Each file stays far below the per-file YAML limits, but together their aliases expand the
// directory (1 MB of files) to 20 MB, past the 10 MB combined limit.
TEST(Directory, AliasExpansionCountsAgainstTheCombinedLimit) {
  MemorySnapshot s;
  for (int f = 0; f < 5; ++f) {
    std::string name = "cm" + std::to_string(f);
    std::string text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n";
    text += "x-big: &big \"" + std::string(200'000, 'v') + "\"\ndata:\n";
    for (int i = 0; i < 20; ++i) text += "  k" + std::to_string(i) + ": *big\n";
    s.AddFile("amp/" + name + ".yaml", text);
  }
  auto r = RenderDirectory(s, "amp", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(r.error().message().find("after YAML alias expansion"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("amp/cm"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace cellgate::render
