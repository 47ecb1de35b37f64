// Git tree materialization (git/checkout.h): a tree built from the input, with any entry
// names and modes (raw tree objects, so names libgit2's own builders refuse, like "..",
// "a/b", ".git" or names with a backslash, get through as a hostile repository would send
// them), written by WriteCheckout. Whatever the tree, nothing may appear outside the
// checkout directory, and every symlink in the checkout must resolve inside it.
//
// Objects live in an in-memory object database (libgit2's mempack), reset for each input.
// The process first moves into its own mount namespace where every mount is read-only
// except the working directory (its scratch directory, libFuzzer's artifacts) and the
// corpus directories, so a writer that escapes cannot touch the machine's files while being tested.
#include <fuzzer/FuzzedDataProvider.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/mount.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "git/checkout.h"

namespace fs = std::filesystem;

namespace {

git_repository* g_repo = nullptr;
git_odb_backend* g_mempack = nullptr;
fs::path g_base;  // scratch: only "checkouts" may ever appear in it

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "checkout_fuzz: %s\n", what.c_str());
  std::abort();
}

// Private mount namespace, every mount read-only, then `writable` made writable again.
void Sandbox(const std::vector<fs::path>& writable) {
  if (unshare(CLONE_NEWNS) != 0) Die("unshare(CLONE_NEWNS) failed: needs root (CAP_SYS_ADMIN)");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) Die("mount private");
  for (const auto& w : writable) {
    if (mount(w.c_str(), w.c_str(), nullptr, MS_BIND, nullptr) != 0) Die("bind " + w.string());
  }
  struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(-1, "/", AT_RECURSIVE, &ro, sizeof ro) != 0) Die("mount_setattr ro");
  struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
  for (const auto& w : writable) {
    if (mount_setattr(-1, w.c_str(), 0, &rw, sizeof rw) != 0) Die("mount_setattr rw " + w.string());
  }
}

git_oid WriteObject(const std::string& raw, git_object_t type) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, g_repo) != 0) Die("repository odb");
  git_oid oid;
  if (git_odb_write(&oid, odb, raw.data(), raw.size(), type) != 0) Die("odb write");
  git_odb_free(odb);
  return oid;
}

// Every path under `dir` (not following symlinks) must stay inside `root` and every
// symlink must resolve inside `root`.
void CheckInside(const fs::path& root, const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (!it->is_symlink()) continue;
    fs::path target = fs::read_symlink(p, ec);
    if (ec) Die("read_symlink " + p.string());
    fs::path resolved =
        (target.is_absolute() ? target : p.parent_path() / target).lexically_normal();
    auto rel = resolved.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") {
      Die("symlink " + p.string() + " -> " + target.string() + " leaves the checkout");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  std::vector<fs::path> writable{fs::current_path()};
  for (int i = 1; i < *argc; ++i) {
    std::string a = (*argv)[i];
    if (a.starts_with("-artifact_prefix="))
      writable.push_back(fs::absolute(a.substr(17)).parent_path());
    else if (!a.starts_with("-") && fs::is_directory(a))
      writable.push_back(fs::absolute(a));
  }
  // Scratch in the working directory (writable below), removed at exit.
  std::string tmpl = (fs::current_path() / "checkout-scratch-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) Die("mkdtemp");
  g_base = tmpl;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_base, ec);
  });
  Sandbox(writable);

  spdlog::set_level(spdlog::level::off);  // skipped symlinks are logged; not findings
  git_libgit2_init();
  git_odb* odb = nullptr;
  if (git_odb_new(&odb) != 0 || git_mempack_new(&g_mempack) != 0 ||
      git_odb_add_backend(odb, g_mempack, 1) != 0 || git_repository_wrap_odb(&g_repo, odb) != 0) {
    Die("in-memory repository");
  }
  git_odb_free(odb);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  git_mempack_reset(g_mempack);
  std::vector<git_oid> trees{WriteObject("", GIT_OBJECT_TREE)};
  int ntrees = in.ConsumeIntegralInRange(1, 5);
  for (int t = 0; t < ntrees && in.remaining_bytes() > 0; ++t) {
    std::string raw;
    int entries = in.ConsumeIntegralInRange(0, 5);
    for (int e = 0; e < entries && in.remaining_bytes() > 0; ++e) {
      static const char* const kModes[] = {"100644", "100755", "120000",
                                           "40000",  "160000", "100664"};
      int kind = in.ConsumeIntegralInRange(0, 5);
      std::string name = in.ConsumeRandomLengthString(24);
      git_oid oid;
      if (kind == 3) {
        oid = trees[in.ConsumeIntegralInRange<std::size_t>(0, trees.size() - 1)];
      } else if (kind == 4) {
        std::string id = in.ConsumeBytesAsString(GIT_OID_RAWSZ);
        id.resize(GIT_OID_RAWSZ, '\x01');
        git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(id.data()));
      } else {
        oid = WriteObject(in.ConsumeRandomLengthString(64), GIT_OBJECT_BLOB);
      }
      raw += kModes[kind];
      raw += ' ';
      raw += name;
      raw += '\0';
      raw.append(reinterpret_cast<const char*>(oid.id), GIT_OID_RAWSZ);
    }
    trees.push_back(WriteObject(raw, GIT_OBJECT_TREE));
  }
  git_tree* root = nullptr;
  if (git_tree_lookup(&root, g_repo, &trees.back()) != 0) return 0;  // libgit2 refused it
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &trees.back());
  fs::path checkouts = g_base / "checkouts";
  auto out = cellgate::git::WriteCheckout(
      g_repo, root, hex, checkouts,
      {.max_blob_bytes = 1 << 16, .max_total_bytes = 4 << 20, .max_files = 2000});
  git_tree_free(root);

  std::error_code ec;
  for (const auto& e : fs::directory_iterator(g_base, ec)) {
    if (e.path().filename() != "checkouts")
      Die("written outside the checkouts: " + e.path().string());
  }
  for (const auto& e : fs::directory_iterator(checkouts, ec)) {
    // Only the checkout itself (temporary directories are named after the commit too).
    if (!e.path().filename().string().starts_with(hex) &&
        !e.path().filename().string().starts_with(".")) {
      Die("written beside the checkout: " + e.path().string());
    }
  }
  if (out) {
    if (*out != checkouts / hex) Die("checkout at " + out->string());
    CheckInside(*out, *out);
  }
  (void)cellgate::git::RemoveCheckouts(checkouts, {});
  fs::remove_all(checkouts, ec);
  return 0;
}
