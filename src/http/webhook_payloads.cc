#include "http/webhook_payloads.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace cellgate::http::internal {
namespace {

using nlohmann::json;

// GitHub sends at most 2048 commits per delivery; a list that long may have been cut.
constexpr std::size_t kGitHubMaxCommits = 2048;
// No provider documents a cap on one commit's file lists; a list this long is treated as
// possibly cut, which costs at worst a few extra refreshes.
constexpr std::size_t kSuspiciousFileListLength = 3000;

const json* Member(const json* object, std::string_view key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  auto it = object->find(key);
  return it == object->end() ? nullptr : &*it;
}

const json* Object(const json* object, std::string_view key) {
  const json* m = Member(object, key);
  return m != nullptr && m->is_object() ? m : nullptr;
}

const json* Array(const json* object, std::string_view key) {
  const json* m = Member(object, key);
  return m != nullptr && m->is_array() ? m : nullptr;
}

std::string String(const json* object, std::string_view key) {
  const json* m = Member(object, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}

bool Bool(const json* object, std::string_view key) {
  const json* m = Member(object, key);
  return m != nullptr && m->is_boolean() && m->get<bool>();
}

std::optional<std::int64_t> Integer(const json* object, std::string_view key) {
  const json* m = Member(object, key);
  if (m == nullptr || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int64_t>();
}

bool IsZeroSha(std::string_view sha) {
  return !sha.empty() && sha.find_first_not_of('0') == std::string_view::npos;
}

void AddUrl(std::vector<std::string>& urls, std::string url) {
  if (url.empty()) return;
  for (const std::string& u : urls) {
    if (u == url) return;
  }
  urls.push_back(std::move(url));
}

void SetRef(PushEvent& e, std::string ref) {
  e.ref = std::move(ref);
  e.revision = ShortRefName(e.ref);
  e.is_tag = e.ref.starts_with("refs/tags/");
}

// Union of added/modified/removed over `commits`. False when any list looks cut.
class FileUnion {
 public:
  void AddCommits(const json* commits) {
    if (commits == nullptr) return;
    for (const json& commit : *commits) {
      ++commits_;
      for (std::string_view list : {"added", "modified", "removed"}) {
        const json* files = Array(&commit, list);
        if (files == nullptr) {
          // A commit without file lists (GitHub Actions' payload, some mirrors): unknown.
          lists_ok_ = false;
          continue;
        }
        if (files->size() >= kSuspiciousFileListLength) lists_ok_ = false;
        for (const json& f : *files) {
          if (f.is_string() && !f.get_ref<const std::string&>().empty()) {
            files_.insert(f.get<std::string>());
          }
        }
      }
    }
  }
  std::size_t commits() const { return commits_; }
  bool lists_ok() const { return lists_ok_; }
  std::vector<std::string> Take() { return {files_.begin(), files_.end()}; }

 private:
  std::set<std::string> files_;
  std::size_t commits_ = 0;
  bool lists_ok_ = true;
};

Status RequireRefAndUrls(const PushEvent& e, std::string_view provider) {
  if (e.ref.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(provider) + " push payload has no ref");
  }
  if (e.repo_urls.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(provider) + " push payload names no repository URL");
  }
  return Ok();
}

// "https://bitbucket.org/team/repo" → ("https", "bitbucket.org", "team/repo").
bool SplitWebUrl(std::string_view url, std::string& scheme, std::string& host, std::string& path) {
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  scheme = std::string(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  host = std::string(rest.substr(0, slash));
  std::size_t at = host.rfind('@');
  if (at != std::string::npos) host.erase(0, at + 1);
  path = std::string(rest.substr(slash + 1));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return !path.empty();
}

}  // namespace

Result<std::vector<PushEvent>> GitHubPushes(const json& payload) {
  PushEvent e;
  SetRef(e, String(&payload, "ref"));
  const json* repo = Object(&payload, "repository");
  AddUrl(e.repo_urls, String(repo, "html_url"));
  // In push deliveries `url` is the web URL too; in other events it is the API URL.
  std::string url = String(repo, "url");
  if (url.find("api.github.com") == std::string::npos &&
      url.find("/api/v3/") == std::string::npos) {
    AddUrl(e.repo_urls, std::move(url));
  }
  AddUrl(e.repo_urls, String(repo, "clone_url"));
  AddUrl(e.repo_urls, String(repo, "ssh_url"));
  AddUrl(e.repo_urls, String(repo, "git_url"));
  CG_TRY(RequireRefAndUrls(e, "GitHub"));
  e.default_branch = String(repo, "default_branch");
  if (e.default_branch.empty()) e.default_branch = String(repo, "master_branch");
  e.before = String(&payload, "before");
  e.after = String(&payload, "after");
  e.created = Bool(&payload, "created") || IsZeroSha(e.before);
  e.deleted = Bool(&payload, "deleted") || IsZeroSha(e.after);
  FileUnion files;
  files.AddCommits(Array(&payload, "commits"));
  e.changed_files_complete = files.commits() > 0 && files.commits() < kGitHubMaxCommits &&
                             files.lists_ok() && !Bool(&payload, "forced") && !e.created &&
                             !e.deleted && !e.is_tag;
  e.changed_files = files.Take();
  return std::vector<PushEvent>{std::move(e)};
}

Result<std::vector<PushEvent>> GitLabPushes(const json& payload, bool tag_push) {
  PushEvent e;
  SetRef(e, String(&payload, "ref"));
  const json* project = Object(&payload, "project");
  const json* repo = Object(&payload, "repository");
  AddUrl(e.repo_urls, String(project, "web_url"));
  AddUrl(e.repo_urls, String(project, "git_http_url"));
  AddUrl(e.repo_urls, String(project, "git_ssh_url"));
  AddUrl(e.repo_urls, String(project, "http_url"));
  AddUrl(e.repo_urls, String(project, "ssh_url"));
  AddUrl(e.repo_urls, String(repo, "homepage"));
  AddUrl(e.repo_urls, String(repo, "git_http_url"));
  AddUrl(e.repo_urls, String(repo, "git_ssh_url"));
  AddUrl(e.repo_urls, String(repo, "url"));
  CG_TRY(RequireRefAndUrls(e, "GitLab"));
  e.default_branch = String(project, "default_branch");
  e.before = String(&payload, "before");
  e.after = String(&payload, "after");
  e.created = IsZeroSha(e.before);
  e.deleted = IsZeroSha(e.after);
  FileUnion files;
  files.AddCommits(Array(&payload, "commits"));
  // GitLab lists at most 20 commits and says how many there were.
  auto total = Integer(&payload, "total_commits_count");
  bool all_commits = !total || *total == static_cast<std::int64_t>(files.commits());
  e.changed_files_complete = !tag_push && !e.is_tag && files.commits() > 0 && all_commits &&
                             files.lists_ok() && !e.created && !e.deleted;
  e.changed_files = files.Take();
  return std::vector<PushEvent>{std::move(e)};
}

Result<std::vector<PushEvent>> GiteaPushes(const json& payload, std::string_view provider_name) {
  PushEvent e;
  SetRef(e, String(&payload, "ref"));
  const json* repo = Object(&payload, "repository");
  AddUrl(e.repo_urls, String(repo, "html_url"));
  AddUrl(e.repo_urls, String(repo, "clone_url"));
  AddUrl(e.repo_urls, String(repo, "ssh_url"));
  CG_TRY(RequireRefAndUrls(e, provider_name));
  e.default_branch = String(repo, "default_branch");
  e.before = String(&payload, "before");
  e.after = String(&payload, "after");
  e.created = IsZeroSha(e.before);
  e.deleted = IsZeroSha(e.after);
  FileUnion files;
  files.AddCommits(Array(&payload, "commits"));
  // Gitea caps the commit list (its webhook PAYLOAD_COMMIT_LIMIT) and reports the total.
  auto total = Integer(&payload, "total_commits");
  bool all_commits = !total || *total == static_cast<std::int64_t>(files.commits());
  e.changed_files_complete = !e.is_tag && files.commits() > 0 && all_commits && files.lists_ok() &&
                             !e.created && !e.deleted;
  e.changed_files = files.Take();
  return std::vector<PushEvent>{std::move(e)};
}

Result<std::vector<PushEvent>> BitbucketCloudPushes(const json& payload) {
  const json* repo = Object(&payload, "repository");
  std::vector<std::string> urls;
  std::string html = String(Object(Object(repo, "links"), "html"), "href");
  AddUrl(urls, html);
  // Bitbucket Cloud sends only the web URL; its clone URLs follow from it.
  std::string scheme;
  std::string host;
  std::string path;
  if (SplitWebUrl(html, scheme, host, path)) {
    std::string full_name = String(repo, "full_name");
    if (full_name.empty()) full_name = path;
    AddUrl(urls, scheme + "://" + host + "/" + full_name + ".git");
    AddUrl(urls, "git@" + host + ":" + full_name + ".git");
  }
  if (urls.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Bitbucket Cloud push payload names no repository URL");
  }
  const json* changes = Array(Object(&payload, "push"), "changes");
  if (changes == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Bitbucket Cloud push payload has no push.changes list");
  }
  std::vector<PushEvent> pushes;
  for (const json& change : *changes) {
    const json* after = Object(&change, "new");
    const json* before = Object(&change, "old");
    const json* named = after != nullptr ? after : before;
    std::string name = String(named, "name");
    if (name.empty()) continue;  // neither side names a ref: nothing to refresh
    PushEvent e;
    e.repo_urls = urls;
    SetRef(e, (String(named, "type") == "tag" ? "refs/tags/" : "refs/heads/") + name);
    e.before = String(Object(before, "target"), "hash");
    e.after = String(Object(after, "target"), "hash");
    e.created = before == nullptr || Bool(&change, "created");
    e.deleted = after == nullptr || Bool(&change, "closed");
    e.changed_files_complete = false;  // Bitbucket Cloud lists no files
    pushes.push_back(std::move(e));
  }
  return pushes;
}

Result<std::vector<PushEvent>> BitbucketServerPushes(const json& payload) {
  const json* links = Object(Object(&payload, "repository"), "links");
  std::vector<std::string> urls;
  for (std::string_view kind : {"clone", "self"}) {
    const json* list = Array(links, kind);
    if (list == nullptr) continue;
    for (const json& link : *list) AddUrl(urls, String(&link, "href"));
  }
  if (urls.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Bitbucket Server push payload names no repository URL (repository.links)");
  }
  const json* changes = Array(&payload, "changes");
  if (changes == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Bitbucket Server push payload has no changes list");
  }
  std::vector<PushEvent> pushes;
  for (const json& change : *changes) {
    std::string ref = String(Object(&change, "ref"), "id");
    if (ref.empty()) ref = String(&change, "refId");
    if (ref.empty()) continue;
    PushEvent e;
    e.repo_urls = urls;
    SetRef(e, std::move(ref));
    e.before = String(&change, "fromHash");
    e.after = String(&change, "toHash");
    std::string type = String(&change, "type");
    e.created = type == "ADD" || IsZeroSha(e.before);
    e.deleted = type == "DELETE" || IsZeroSha(e.after);
    e.changed_files_complete = false;  // Bitbucket Server lists no files
    pushes.push_back(std::move(e));
  }
  return pushes;
}

}  // namespace cellgate::http::internal
