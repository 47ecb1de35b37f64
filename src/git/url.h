// Repository URLs: the identity of a repository and the form that may appear in messages.
//
// One mirror is kept per normalised URL, so `https://github.com/a/b` and
// `https://GitHub.com/a/b.git/` share a mirror, as they share a repository in Argo CD.
// Normalising lowercases the scheme and host, drops userinfo for HTTP(S) (credentials are
// not part of a repository's identity), drops default ports, rewrites scp-like SSH URLs
// (`git@host:org/repo`) as `ssh://git@host/org/repo`, makes local paths absolute
// `file://` URLs, and strips trailing `/` and `.git`. The path keeps its case: only some
// servers treat it case-insensitively.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate::git {

// The identity of the repository at `url` (see above). Never contains a password.
std::string NormaliseRepoUrl(std::string_view url);

// `url` with any userinfo (user:password@) removed: the only form of a URL that error
// messages and logs may show.
std::string RedactUrl(std::string_view url);

// True for URLs that libgit2 reads from the local file system: `file://` or a path.
bool IsLocalUrl(std::string_view url);

// The directory name of the mirror of `url`: hex SHA-256 of NormaliseRepoUrl(url).
std::string MirrorDirName(std::string_view url);

}  // namespace cellgate::git
