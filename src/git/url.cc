#include "git/url.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

namespace cellgate::git {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// git's rule: "host:path" is scp-like SSH when the ':' comes before any '/'.
bool IsScpLike(std::string_view url) {
  if (url.find("://") != std::string_view::npos) return false;
  std::size_t colon = url.find(':');
  std::size_t slash = url.find('/');
  return colon != std::string_view::npos && colon > 0 &&
         (slash == std::string_view::npos || colon < slash);
}

std::string StripRepoSuffixes(std::string path) {
  for (;;) {
    if (path.size() > 1 && path.back() == '/') {
      path.pop_back();
    } else if (path.size() > 4 && path.ends_with(".git")) {
      path.resize(path.size() - 4);
    } else {
      return path;
    }
  }
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "https") return "443";
  if (scheme == "http") return "80";
  if (scheme == "ssh") return "22";
  if (scheme == "git") return "9418";
  return "";
}

struct UrlParts {
  std::string scheme;
  std::string userinfo;  // without the '@'
  std::string host;      // host[:port]
  std::string path;      // from the first '/' after the authority
};

UrlParts Split(std::string_view url) {
  UrlParts p;
  std::size_t sep = url.find("://");
  p.scheme = std::string(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  p.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    p.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  p.host = std::string(authority);
  return p;
}

std::string LocalPathUrl(std::string_view path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(std::filesystem::path(path), ec);
  if (ec) abs = std::filesystem::path(path);
  return "file://" + StripRepoSuffixes(abs.lexically_normal().generic_string());
}

}  // namespace

bool IsLocalUrl(std::string_view url) {
  url = Trim(url);
  if (url.find("://") != std::string_view::npos) return Lower(url.substr(0, 7)) == "file://";
  return !IsScpLike(url);
}

std::string NormaliseRepoUrl(std::string_view raw) {
  std::string_view url = Trim(raw);
  if (IsScpLike(url)) {
    std::size_t colon = url.find(':');
    std::string_view user_host = url.substr(0, colon);
    std::string_view path = url.substr(colon + 1);
    std::size_t at = user_host.rfind('@');
    std::string user = at == std::string_view::npos ? "" : std::string(user_host.substr(0, at + 1));
    std::string host = Lower(at == std::string_view::npos ? user_host : user_host.substr(at + 1));
    std::string p = path.starts_with('/') ? std::string(path) : "/" + std::string(path);
    return "ssh://" + user + host + StripRepoSuffixes(p);
  }
  if (url.find("://") == std::string_view::npos) return LocalPathUrl(url);

  UrlParts p = Split(url);
  p.scheme = Lower(p.scheme);
  if (p.scheme == "file") return LocalPathUrl(p.path.empty() ? "/" : p.path);
  p.host = Lower(p.host);
  std::string_view port = DefaultPort(p.scheme);
  if (!port.empty() && p.host.ends_with(":" + std::string(port))) {
    p.host.resize(p.host.size() - port.size() - 1);
  }
  std::string user;
  if (p.scheme == "ssh" && !p.userinfo.empty()) {
    user = p.userinfo.substr(0, p.userinfo.find(':')) + "@";  // a user, never a password
  }
  return p.scheme + "://" + user + p.host + StripRepoSuffixes(p.path);
}

std::string RedactUrl(std::string_view raw) {
  std::string_view url = Trim(raw);
  if (url.find("://") == std::string_view::npos) return std::string(url);
  UrlParts p = Split(url);
  return p.scheme + "://" + p.host + p.path;
}

std::string MirrorDirName(std::string_view url) {
  std::string key = NormaliseRepoUrl(url);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(key.data(), key.size(), digest, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace cellgate::git
