// Jsonnet in directory apps, checked against Argo CD's repo-server
// (reposerver/repository/repository.go: findManifests, makeJsonnetVM) and go-jsonnet's
// FileImporter. Renderer tests evaluate in a real child process: this test binary's main()
// serves the evaluator subcommand as cellgate's does (testing/test_main.cc).
#include "render/jsonnet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "render/jsonnet_eval.h"
#include "render/renderer.h"
#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;
using testing::MemorySnapshot;

RenderRequest Req(const std::string& path, argo::JsonnetOptions jsonnet = {}) {
  RenderRequest r;
  r.repo_url = "https://git.example.com/fleet.git";
  r.app_name = "web";
  r.destination_namespace = "shop";
  r.source.repo_url = r.repo_url;
  r.source.path = path;
  r.source.directory = argo::DirectoryOptions{.jsonnet = std::move(jsonnet)};
  return r;
}

// Bounds small enough for tests; the defaults are 90 s and 2 GiB.
Renderer Bounded() {
  return Renderer(
      {.tools = {.timeout = std::chrono::milliseconds(3000), .memory_limit_bytes = 256ull << 20}});
}

std::string Message(const auto& r) { return r ? std::string("(success)") : r.error().message(); }

TEST(Jsonnet, ExtVarsTlasAndLibsGiveTheObjects) {
  MemorySnapshot s;
  s.AddFile("apps/web/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n");
  // An app path that is a library path too (Argo CD's jpaths[0]) and a lib at the root.
  s.AddFile("apps/web/main.jsonnet", R"(
local k = import 'k.libsonnet';           // from the libs directory
local naming = import 'naming.libsonnet'; // next to this file
function(team, size=1) [
  k.configMap(naming.name(std.extVar('env')), { team: team, app: std.extVar('app') }),
  k.configMap('replicas', { n: std.toString(std.extVar('replicas') * size) }),
]
)");
  s.AddFile("apps/web/naming.libsonnet", "{ name(env):: 'web-' + env }\n");
  s.AddFile("vendor/k.libsonnet", R"({
  configMap(name, data):: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name }, data: data },
})");
  s.AddFile("apps/web/single.jsonnet",
            "{ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', "
            "metadata: { name: 's' } }] }\n");
  s.AddFile("apps/web/nothing.jsonnet", "null\n");
  auto req = Req("apps/web", {.ext_vars = {{"env", "prod"},
                                           {"replicas", "2 + 1", true},
                                           {"app", "$ARGOCD_APP_NAME-${ARGOCD_APP_NAMESPACE}"}},
                              .tlas = {{"team", "payments"}, {"size", "2", true}},
                              .libs = {"/vendor"}});
  Renderer r = Bounded();
  auto out = r.Render(s, req);
  ASSERT_TRUE(out) << Message(out);
  // One child evaluated every file of the app.
  EXPECT_EQ(r.tools().invocations(), 1u);
  const auto& objs = out->objects();
  ASSERT_EQ(objs.size(), 4u);
  EXPECT_EQ(objs[0].Name(), "plain");
  EXPECT_EQ(objs[1].Name(), "web-prod");
  EXPECT_EQ(objs[1].body()["data"]["team"], "payments");
  EXPECT_EQ(objs[1].body()["data"]["app"], "web-shop");  // $ARGOCD_APP_* substituted
  EXPECT_EQ(objs[1].origin().file, "apps/web/main.jsonnet");
  EXPECT_EQ(objs[2].Name(), "replicas");
  EXPECT_EQ(objs[2].body()["data"]["n"], "6");
  EXPECT_EQ(objs[2].origin().document, 1);
  EXPECT_EQ(objs[3].Kind(), "Secret");  // a List is expanded; null gives nothing

  auto hit = r.Render(s, req);
  ASSERT_TRUE(hit);
  EXPECT_TRUE(hit->cache_hit);
  // A library outside the app path changes: the render is not reused (imports may read any
  // file of the commit).
  MemorySnapshot next(s);  // a new commit
  next.AddFile("vendor/k.libsonnet", "{ configMap(name, data):: error 'changed' }\n");
  auto changed = r.Render(next, req);
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.error().message().find("changed"), std::string::npos) << Message(changed);
}

// A snapshot holding one program (each commit is materialized once, so each test program
// gets its own snapshot).
MemorySnapshot App(const std::string& program) {
  MemorySnapshot s;
  s.AddFile("apps/web/main.jsonnet", program);
  return s;
}

TEST(Jsonnet, ErrorsNameTheFileAndLine) {
  Renderer r = Bounded();
  auto out = r.Render(App("{\n  a: 1,\n  b: error 'boom',\n}\n"), Req("apps/web"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(Message(out).find("apps/web/main.jsonnet: evaluate jsonnet: RUNTIME ERROR: boom"),
            std::string::npos)
      << Message(out);
  EXPECT_NE(Message(out).find("apps/web/main.jsonnet:3:"), std::string::npos) << Message(out);

  auto invalid = r.Render(App("[{ apiVersion: 'v1', kind: 'ConfigMap' }]\n"), Req("apps/web"));
  ASSERT_FALSE(invalid);
  EXPECT_NE(Message(invalid).find("apps/web/main.jsonnet"), std::string::npos) << Message(invalid);
  auto str = r.Render(App("'a string'\n"), Req("apps/web"));
  EXPECT_NE(Message(str).find("must be an object or an array"), std::string::npos) << Message(str);
}

TEST(Jsonnet, ImportsLeavingTheRepositoryAreRefused) {
  Renderer r = Bounded();
  auto up = r.Render(App("import '../../../etc/passwd'\n"), Req("apps/web"));
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code(), ErrorCode::kPermissionDenied) << Message(up);
  EXPECT_NE(Message(up).find("apps/web/main.jsonnet"), std::string::npos) << Message(up);
  EXPECT_NE(Message(up).find("leaves the repository"), std::string::npos) << Message(up);

  auto abs = r.Render(App("importstr '/etc/hostname'\n"), Req("apps/web"));
  ASSERT_FALSE(abs);
  EXPECT_EQ(abs.error().code(), ErrorCode::kPermissionDenied) << Message(abs);
  EXPECT_NE(Message(abs).find("absolute paths are not allowed"), std::string::npos) << Message(abs);

  auto lib = r.Render(App("{}\n"), Req("apps/web", {.libs = {"../outside"}}));
  ASSERT_FALSE(lib);
  EXPECT_EQ(lib.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(Message(lib).find("directory.jsonnet.libs entry '../outside'"), std::string::npos);
}

// Two symlinks that each stay inside lexically leave the checkout on disk: apps/web/up -> ../..
// is the root, apps/web/out -> up/.. is the root's parent.
TEST(Jsonnet, SymlinksLeavingTheCheckoutOnDiskAreRefused) {
  std::string secret_tmpl = (fs::temp_directory_path() / "cellgate-secret-XXXXXX").string();
  int fd = ::mkstemp(secret_tmpl.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(secret_tmpl) << "{ leaked: true }";
  MemorySnapshot s;
  s.AddSymlink("apps/web/up", "../..");
  s.AddSymlink("apps/web/out", "up/..");
  s.AddFile("apps/web/main.jsonnet",
            "import 'out/" + fs::path(secret_tmpl).filename().string() + "'\n");
  Renderer r = Bounded();
  auto out = r.Render(s, Req("apps/web"));
  fs::remove(secret_tmpl);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kPermissionDenied) << Message(out);
  EXPECT_NE(Message(out).find("outside the repository"), std::string::npos) << Message(out);
  EXPECT_EQ(Message(out).find("leaked"), std::string::npos);
}

TEST(Jsonnet, ANonTerminatingProgramIsStoppedByTheTimeLimit) {
  MemorySnapshot s;
  s.AddFile("apps/web/loop.jsonnet", "local f(x) = f(x + 1) tailstrict;\nf(0)\n");
  Renderer r({.tools = {.timeout = std::chrono::milliseconds(1000)}});
  auto out = r.Render(s, Req("apps/web"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kDeadlineExceeded) << Message(out);
  EXPECT_NE(Message(out).find("evaluate jsonnet apps/web/loop.jsonnet: cellgate "
                              "internal-jsonnet-eval: killed after the 1 s timeout"),
            std::string::npos)
      << Message(out);
  EXPECT_NE(Message(out).find("timeout"), std::string::npos) << Message(out);
}

TEST(Jsonnet, DeepRecursionStopsAtTheStackLimit) {
  // Without tailstrict every call is a frame: jsonnet's 500-frame limit ends it at once.
  Renderer r = Bounded();
  auto out = r.Render(App("local f(x) = f(x + 1);\nf(0)\n"), Req("apps/web"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument) << Message(out);
  EXPECT_NE(Message(out).find("max stack frames exceeded"), std::string::npos) << Message(out);
  EXPECT_NE(Message(out).find("apps/web/main.jsonnet:1:"), std::string::npos) << Message(out);
}

TEST(Jsonnet, AMemoryBlowUpIsStoppedByTheMemoryLimit) {
  MemorySnapshot s;
  // Doubles a string until it would need a terabyte.
  s.AddFile("apps/web/big.jsonnet",
            "local grow(s, n) = if n == 0 then s else grow(s + s, n - 1) tailstrict;\n"
            "{ n: std.length(grow('x', 40)) }\n");
  Renderer r = Bounded();
  auto out = r.Render(s, Req("apps/web"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted) << Message(out);
  EXPECT_NE(Message(out).find("evaluate jsonnet apps/web/big.jsonnet"), std::string::npos)
      << Message(out);
  EXPECT_NE(Message(out).find("ran out of memory under the 256 MiB memory limit"),
            std::string::npos)
      << Message(out);
}

TEST(Jsonnet, ImportResolutionFollowsGoJsonnet) {
  // Next to the importing file first, then the library paths from the last to the first.
  std::string tmpl = (fs::temp_directory_path() / "cellgate-jsonnet-test-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  fs::path root = fs::canonical(tmpl);
  auto write = [&](const std::string& p, const std::string& text) {
    fs::create_directories((root / p).parent_path());
    std::ofstream(root / p) << text;
  };
  write("apps/web/x.libsonnet", "local");
  write("lib1/x.libsonnet", "lib1");
  write("lib2/x.libsonnet", "lib2");
  write("lib1/only1.libsonnet", "only1");
  std::vector<std::string> jpaths = {"apps/web", "lib1", "lib2"};
  auto local = ResolveJsonnetImport(root, "apps/web/", "x.libsonnet", jpaths);
  ASSERT_TRUE(local);
  EXPECT_EQ(local->path, "apps/web/x.libsonnet");
  auto last = ResolveJsonnetImport(root, "other/", "x.libsonnet", jpaths);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->content, "lib2");
  auto only = ResolveJsonnetImport(root, "", "only1.libsonnet", jpaths);
  ASSERT_TRUE(only);
  EXPECT_EQ(only->path, "lib1/only1.libsonnet");
  auto missing = ResolveJsonnetImport(root, "", "nope.libsonnet", jpaths);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  fs::create_symlink("/etc", root / "lib1/etc");
  auto escaped = ResolveJsonnetImport(root, "", "etc/hostname", jpaths);
  ASSERT_FALSE(escaped);
  EXPECT_EQ(escaped.error().code(), ErrorCode::kPermissionDenied);
  fs::remove_all(root);
}

TEST(Jsonnet, OutputIsAnObjectAnArrayOrNull) {
  auto objs = ParseJsonnetOutput(
      R"([{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}, null,
          {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}])",
      "x.jsonnet", {});
  ASSERT_TRUE(objs) << Message(objs);
  ASSERT_EQ(objs->size(), 2u);
  EXPECT_EQ((*objs)[1].origin().ToString(), "x.jsonnet (document 3)");
  auto none = ParseJsonnetOutput("null", "x.jsonnet", {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto nested = ParseJsonnetOutput("[[]]", "x.jsonnet", {});
  ASSERT_FALSE(nested);
  EXPECT_NE(Message(nested).find("x.jsonnet: array element 0 is not an object"), std::string::npos)
      << Message(nested);
}

TEST(Jsonnet, LibsAreRepositoryPaths) {
  MemorySnapshot s;
  s.AddFile("vendor/k.libsonnet", "{}");
  auto libs = ResolveJsonnetLibs(s, {"vendor", "/vendor", "./missing/", "/"});
  ASSERT_TRUE(libs) << Message(libs);
  EXPECT_EQ(*libs, (std::vector<std::string>{"vendor", "vendor", "missing", ""}));
  EXPECT_FALSE(ResolveJsonnetLibs(s, {"/../x"}));
}

}  // namespace
}  // namespace cellgate::render
