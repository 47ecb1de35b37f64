#include "git/remote_sync.h"

#include <map>
#include <string_view>

#include "git/libgit2.h"
#include "git/net_deadline.h"
#include "git/server_identity.h"
#include "git/url.h"

namespace cellgate::git {
namespace {

using Clock = std::chrono::steady_clock;

struct CallbackState {
  const RemoteAccess* access = nullptr;
  Credentials none;
  int port = 22;
  unsigned provided = 0;  // credential types already handed to libgit2
  bool timed_out = false;
  bool auth_refused = false;
  bool identity_refused = false;

  const Credentials& creds() const { return access->credentials ? *access->credentials : none; }
};

// The SSH port of `url` (ssh://host:port/..., or 22 for scp-like and default URLs).
int SshPort(std::string_view url) {
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return 22;
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find('/'));
  authority.remove_prefix(
      authority.rfind('@') == std::string_view::npos ? 0 : authority.rfind('@') + 1);
  std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || authority.ends_with(']')) return 22;
  int port = 0;
  for (char c : authority.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return 22;
    port = port * 10 + (c - '0');
  }
  return port > 0 && port < 65536 ? port : 22;
}

int Refuse(bool* flag, int code, const std::string& why) {
  *flag = true;
  git_error_set_str(GIT_ERROR_NET, why.c_str());
  return code;
}

int CheckDeadline(CallbackState* s) {
  if (Clock::now() < s->access->deadline) return 0;
  return Refuse(&s->timed_out, GIT_EUSER, "deadline exceeded");
}

int OnCredentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                  unsigned int allowed, void* payload) {
  auto* s = static_cast<CallbackState*>(payload);
  if (int rc = CheckDeadline(s)) return rc;
  const Credentials& c = s->creds();
  std::string user = username_from_url != nullptr && *username_from_url != '\0'
                         ? username_from_url
                         : (c.username.empty() ? "git" : c.username);
  // Asked again for a type we already gave: the server refused it.
  auto once = [&](unsigned type) {
    bool first = (s->provided & type) == 0;
    s->provided |= type;
    return first;
  };
  if ((allowed & GIT_CREDENTIAL_SSH_MEMORY) != 0 && !c.ssh_private_key.empty()) {
    if (!once(GIT_CREDENTIAL_SSH_MEMORY)) {
      return Refuse(&s->auth_refused, GIT_EAUTH, "SSH key refused");
    }
    return git_credential_ssh_key_memory_new(out, user.c_str(), nullptr, c.ssh_private_key.c_str(),
                                             nullptr);
  }
  if ((allowed & GIT_CREDENTIAL_USERNAME) != 0 && once(GIT_CREDENTIAL_USERNAME)) {
    return git_credential_username_new(out, user.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 &&
      (!c.username.empty() || !c.password.empty())) {
    if (!once(GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
      return Refuse(&s->auth_refused, GIT_EAUTH, "username or password refused");
    }
    // A token alone works with any user name on GitHub, GitLab and Bitbucket.
    std::string u = c.username.empty() ? user : c.username;
    return git_credential_userpass_plaintext_new(out, u.c_str(), c.password.c_str());
  }
  const char* why = "authentication required but no credentials are configured";
  if ((allowed & (GIT_CREDENTIAL_SSH_KEY | GIT_CREDENTIAL_SSH_MEMORY)) != 0) {
    why = "SSH authentication required but no private key is configured";
  } else if (username_from_url != nullptr && *username_from_url != '\0') {
    why = "credentials in the URL refused";
  }
  return Refuse(&s->auth_refused, GIT_EAUTH, why);
}

int OnCertificate(git_cert* cert, int valid, const char* host, void* payload) {
  auto* s = static_cast<CallbackState*>(payload);
  if (int rc = CheckDeadline(s)) return rc;
  if (s->creds().insecure_skip_tls_verify) return 0;
  std::string h = host != nullptr ? host : "";
  if (valid != 0) return 0;  // TLS verified, or an SSH key in the user's ~/.ssh/known_hosts
  if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
    auto* key = reinterpret_cast<git_cert_hostkey*>(cert);
    if ((key->type & GIT_CERT_SSH_RAW) != 0 &&
        KnownHostsAccepts(s->access->known_hosts, h, s->port,
                          std::string_view(key->hostkey, key->hostkey_len))) {
      return 0;
    }
    return Refuse(&s->identity_refused, GIT_ECERTIFICATE,
                  "SSH host key of " + h + " is not in known_hosts");
  }
  if (cert->cert_type == GIT_CERT_X509 && !s->creds().ca_file.empty()) {
    auto* x509 = reinterpret_cast<git_cert_x509*>(cert);
    Status ok = VerifyLeafCertificate(static_cast<const unsigned char*>(x509->data), x509->len,
                                      s->creds().ca_file, h);
    if (ok) return 0;
    return Refuse(&s->identity_refused, GIT_ECERTIFICATE, ok.error().message());
  }
  s->identity_refused = true;
  return GIT_PASSTHROUGH;  // libgit2 reports its own verification error
}

int OnTransfer(const git_indexer_progress* /*progress*/, void* payload) {
  return CheckDeadline(static_cast<CallbackState*>(payload));
}

int OnSideband(const char* /*text*/, int /*len*/, void* payload) {
  return CheckDeadline(static_cast<CallbackState*>(payload));
}

void ReplaceAll(std::string& s, const std::string& what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
}

Error Failure(const CallbackState& s, std::string_view phase, int rc) {
  std::string detail = LastGitMessage();
  ReplaceAll(detail, s.access->url, RedactUrl(s.access->url));
  ReplaceAll(detail, s.creds().password, "<redacted>");
  ReplaceAll(detail, "\n", "; ");
  std::string what = std::string(phase) + " " + RedactUrl(s.access->url) + ": ";
  // A callback saw the deadline, or the stream gave up at it (net_deadline.h).
  if (s.timed_out) return Error(ErrorCode::kDeadlineExceeded, what + "deadline exceeded");
  if (Clock::now() >= s.access->deadline) {
    return Error(ErrorCode::kDeadlineExceeded, what + "deadline exceeded: " + detail);
  }
  if (rc == GIT_EAUTH || s.auth_refused || detail.find("status code: 401") != std::string::npos ||
      detail.find("status code: 403") != std::string::npos) {
    return Error(ErrorCode::kPermissionDenied, what + "authentication refused: " + detail);
  }
  if (rc == GIT_ECERTIFICATE || s.identity_refused) {
    return Error(ErrorCode::kPermissionDenied, what + "server identity not trusted: " + detail);
  }
  return Error(ErrorCode::kUnavailable, what + detail);
}

bool IsMirroredRef(std::string_view name) {
  return (name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) &&
         !name.ends_with("^{}");
}

Result<std::map<std::string, git_oid>> LocalRefs(git_repository* repo) {
  git_reference_iterator* raw = nullptr;
  if (git_reference_iterator_new(&raw, repo) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "list mirror refs"));
  }
  RefIteratorPtr it(raw);
  std::map<std::string, git_oid> refs;
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it.get()) == 0) {
    ReferencePtr owned(ref);
    const git_oid* target = git_reference_target(ref);
    if (target != nullptr && IsMirroredRef(git_reference_name(ref))) {
      refs.emplace(git_reference_name(ref), *target);
    }
  }
  return refs;
}

bool SameRefs(const std::map<std::string, git_oid>& a, const std::map<std::string, git_oid>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first || git_oid_cmp(&ia->second, &ib->second) != 0) return false;
  }
  return true;
}

// Points the mirror's HEAD at the remote's default branch (so "HEAD" resolves locally).
void FollowRemoteHead(git_repository* repo, git_remote* remote) {
  git_buf branch = GIT_BUF_INIT;
  if (git_remote_default_branch(&branch, remote) == 0) {
    git_reference* head = nullptr;
    bool same = git_reference_lookup(&head, repo, "HEAD") == 0 &&
                git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
                std::string_view(git_reference_symbolic_target(head)) == branch.ptr;
    git_reference_free(head);
    if (!same) {
      git_reference* updated = nullptr;
      if (git_reference_symbolic_create(&updated, repo, "HEAD", branch.ptr, 1, nullptr) == 0) {
        git_reference_free(updated);
      }
    }
  }
  git_buf_dispose(&branch);
}

}  // namespace

Status SyncMirror(git_repository* mirror, const RemoteAccess& access, SyncCounts& counts) {
  EnsureLibgit2();
  ScopedNetDeadline bounded(access.deadline);  // every connection opened below
  CallbackState state{.access = &access, .port = SshPort(access.url)};
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = OnCredentials;
  callbacks.certificate_check = OnCertificate;
  callbacks.transfer_progress = OnTransfer;
  callbacks.sideband_progress = OnSideband;
  callbacks.payload = &state;
  git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
  proxy.type = GIT_PROXY_AUTO;

  // SKIP_INSTEADOF: url.*.insteadOf rewriting matches config names with a regex, and
  // libgit2 1.5's PCRE2 git_regexp_match leaks its match data (~20 KiB) on every miss.
  // So mirrors use the URL exactly as configured.
  git_remote_create_options create = GIT_REMOTE_CREATE_OPTIONS_INIT;
  create.repository = mirror;
  create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* raw = nullptr;
  if (int rc = git_remote_create_with_opts(&raw, access.url.c_str(), &create); rc != 0) {
    return std::unexpected(Failure(state, "ls-remote", rc));
  }
  RemotePtr remote(raw);
  ++counts.ls_remotes;
  if (int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr);
      rc != 0) {
    return std::unexpected(Failure(state, "ls-remote", rc));
  }
  const git_remote_head** heads = nullptr;
  std::size_t count = 0;
  if (int rc = git_remote_ls(&heads, &count, remote.get()); rc != 0) {
    return std::unexpected(Failure(state, "ls-remote", rc));
  }
  std::map<std::string, git_oid> remote_refs;
  for (std::size_t i = 0; i < count; ++i) {
    if (IsMirroredRef(heads[i]->name)) remote_refs.emplace(heads[i]->name, heads[i]->oid);
  }
  auto local_refs = LocalRefs(mirror);
  CG_TRY(local_refs);

  FollowRemoteHead(mirror, remote.get());  // needs the connection that fetch closes
  if (!SameRefs(remote_refs, *local_refs)) {
    ++counts.fetches;
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.callbacks = callbacks;
    options.proxy_opts = proxy;
    options.prune = GIT_FETCH_PRUNE;
    options.update_fetchhead = 0;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    char heads_spec[] = "+refs/heads/*:refs/heads/*";
    char tags_spec[] = "+refs/tags/*:refs/tags/*";
    char* specs[] = {heads_spec, tags_spec};
    git_strarray refspecs{specs, 2};
    if (int rc = git_remote_fetch(remote.get(), &refspecs, &options, nullptr); rc != 0) {
      return std::unexpected(Failure(state, "fetch", rc));
    }
  }
  return Ok();
}

}  // namespace cellgate::git
