#include "core/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include "core/base64.h"

namespace cellgate {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsWordBreak(std::string_view s, std::size_t i) { return i == 0 || !IsAlnum(s[i - 1]); }

bool StartsWithNoCase(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (Lower(s[pos + i]) != word[i]) return false;
  }
  return true;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && StartsWithNoCase(s, s.size() - suffix.size(), suffix);
}

// Private key PEM blocks: the body becomes the mask, the BEGIN and END lines stay.
std::string MaskPemKeys(std::string_view s) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t begin = s.find("-----BEGIN ", pos);
    if (begin == std::string_view::npos) break;
    std::size_t label_end = s.find("-----", begin + 11);
    if (label_end == std::string_view::npos) break;
    std::string_view label = s.substr(begin + 11, label_end - begin - 11);
    std::size_t header_end = label_end + 5;
    if (label.find("PRIVATE KEY") == std::string_view::npos || label.find('\n') != label.npos) {
      out.append(s.substr(pos, header_end - pos));
      pos = header_end;
      continue;
    }
    out.append(s.substr(pos, header_end - pos));
    out.append(kRedactedMask);
    std::size_t end = s.find("-----END", header_end);
    pos = end == std::string_view::npos ? s.size() : end;
  }
  out.append(s.substr(pos));
  return out;
}

bool IsTokenChar(char c) {
  return IsAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}

// "Bearer <token>", and "Basic <credentials>" when they are at least 8 characters of base64.
std::string MaskAuthSchemes(std::string_view s) {
  std::string out;
  std::size_t pos = 0, copied = 0;
  while (pos < s.size()) {
    std::size_t word = 0;
    bool basic = false;
    if (IsWordBreak(s, pos) && StartsWithNoCase(s, pos, "bearer")) {
      word = 6;
    } else if (IsWordBreak(s, pos) && StartsWithNoCase(s, pos, "basic")) {
      word = 5;
      basic = true;
    }
    if (word == 0) {
      ++pos;
      continue;
    }
    std::size_t t = pos + word;
    if (t >= s.size() || !IsSpace(s[t])) {
      pos = t;
      continue;
    }
    while (t < s.size() && IsSpace(s[t])) ++t;
    std::size_t end = t;
    while (end < s.size() && IsTokenChar(s[end])) ++end;
    std::string_view token = s.substr(t, end - t);
    if (token.empty() || token == kRedactedMask || (basic && token.size() < 8)) {
      pos = end;
      continue;
    }
    out.append(s.substr(copied, t - copied));
    out.append(kRedactedMask);
    copied = pos = end;
  }
  out.append(s.substr(copied));
  return out;
}

bool IsKeyChar(char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.'; }

constexpr std::array<std::string_view, 13> kSecretKeySuffixes = {
    "password",   "passwd",    "secret",     "token",     "apikey",      "api_key",    "api-key",
    "secret_key", "secretkey", "access_key", "accesskey", "private_key", "credentials"};

bool IsSecretKey(std::string_view key) {
  if (key == "Secret") return false;  // the kind, as in `kind: Secret`
  for (auto suffix : kSecretKeySuffixes) {
    if (EndsWithNoCase(key, suffix)) return true;
  }
  return false;
}

// True when only spaces, tabs or YAML list dashes stand between the line start and `i`.
bool AtLineStart(std::string_view s, std::size_t i) {
  while (i > 0) {
    char c = s[i - 1];
    if (c == '\n' || c == '\r') return true;
    if (!IsSpace(c) && c != '-') return false;
    --i;
  }
  return true;
}

// `key=value`, `key: value` (at a line start, quoted key or no space after the colon).
std::string MaskKeyValues(std::string_view s) {
  std::string out;
  std::size_t pos = 0, copied = 0;
  while (pos < s.size()) {
    if (!IsKeyChar(s[pos]) || (pos > 0 && IsKeyChar(s[pos - 1]))) {
      ++pos;
      continue;
    }
    std::size_t key_end = pos;
    while (key_end < s.size() && IsKeyChar(s[key_end])) ++key_end;
    std::string_view key = s.substr(pos, key_end - pos);
    std::size_t key_start = pos;
    pos = key_end;
    if (!IsSecretKey(key)) continue;
    bool quoted_key = key_start > 0 && (s[key_start - 1] == '"' || s[key_start - 1] == '\'') &&
                      key_end < s.size() && s[key_end] == s[key_start - 1];
    std::size_t i = key_end + (quoted_key ? 1 : 0);
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size() || (s[i] != '=' && s[i] != ':')) continue;
    char sep = s[i++];
    if (i < s.size() && s[i] == sep) continue;  // "::", "=="
    bool space_after = i < s.size() && IsSpace(s[i]);
    if (sep == ':' && space_after && !quoted_key && !AtLineStart(s, key_start)) {
      continue;  // "get token: not found" is an error chain, not a field
    }
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size()) continue;
    std::size_t v = i, v_end = i;
    char q = s[i];
    if (q == '"' || q == '\'') {
      v = v_end = i + 1;
      while (v_end < s.size() && s[v_end] != q && s[v_end] != '\n') {
        v_end += (s[v_end] == '\\' && v_end + 1 < s.size()) ? 2 : 1;
      }
      v_end = std::min(v_end, s.size());
    } else {
      if (q == '{' || q == '[' || q == '|' || q == '>' || q == '\n' || q == '\r') continue;
      while (v_end < s.size() && !std::isspace(static_cast<unsigned char>(s[v_end])) &&
             std::string_view(",;&)}]\"'<>").find(s[v_end]) == std::string_view::npos) {
        ++v_end;
      }
    }
    std::string_view value = s.substr(v, v_end - v);
    if (value.empty() || value == kRedactedMask) continue;
    out.append(s.substr(copied, v - copied));
    out.append(kRedactedMask);
    copied = pos = v_end;
  }
  out.append(s.substr(copied));
  return out;
}

// scheme://user:password@host -> scheme://user:++++++++@host; scheme://token@host ->
// scheme://++++++++@host (except ssh, whose user name is an account, not a credential).
std::string MaskUrlUserinfo(std::string_view s) {
  std::string out;
  std::size_t pos = 0, copied = 0;
  while (true) {
    std::size_t sep = s.find("://", pos);
    if (sep == std::string_view::npos) break;
    std::size_t scheme_start = sep;
    while (scheme_start > 0 && (IsAlnum(s[scheme_start - 1]) || s[scheme_start - 1] == '+' ||
                                s[scheme_start - 1] == '-' || s[scheme_start - 1] == '.')) {
      --scheme_start;
    }
    std::string_view scheme = s.substr(scheme_start, sep - scheme_start);
    std::size_t a = sep + 3, a_end = a;
    while (a_end < s.size() && std::string_view("/?# \t\r\n\"'<>").find(s[a_end]) == s.npos) {
      ++a_end;
    }
    pos = a_end;
    std::size_t at = s.substr(a, a_end - a).rfind('@');
    if (at == std::string_view::npos || at == 0) continue;
    std::string_view userinfo = s.substr(a, at);
    std::size_t colon = userinfo.find(':');
    std::size_t mask_from = colon == std::string_view::npos ? a : a + colon + 1;
    if (colon == std::string_view::npos && StartsWithNoCase(scheme, 0, "ssh")) continue;
    if (s.substr(mask_from, a + at - mask_from) == kRedactedMask || mask_from == a + at) continue;
    out.append(s.substr(copied, mask_from - copied));
    out.append(kRedactedMask);
    copied = a + at;
  }
  out.append(s.substr(copied));
  return out;
}

bool IsBase64UrlChar(char c) { return IsAlnum(c) || c == '-' || c == '_'; }

// AWS access key ids and JWTs.
std::string MaskTokens(std::string_view s) {
  std::string out;
  std::size_t pos = 0, copied = 0;
  while (pos < s.size()) {
    if (!IsWordBreak(s, pos) || (pos > 0 && (s[pos - 1] == '-' || s[pos - 1] == '_'))) {
      ++pos;
      continue;
    }
    std::size_t end = pos;
    if (s.compare(pos, 4, "AKIA") == 0 || s.compare(pos, 4, "ASIA") == 0) {
      std::size_t e = pos + 4;
      while (e < s.size() && (std::isupper(static_cast<unsigned char>(s[e])) ||
                              std::isdigit(static_cast<unsigned char>(s[e])))) {
        ++e;
      }
      if (e - pos == 20 && (e == s.size() || !IsAlnum(s[e]))) end = e;
    } else if (s.compare(pos, 3, "eyJ") == 0) {
      std::size_t e = pos;
      int segments = 0;
      while (segments < 3) {
        std::size_t seg = e;
        while (e < s.size() && IsBase64UrlChar(s[e])) ++e;
        if (e == seg && segments < 2) break;
        ++segments;
        if (segments == 1 && (e + 1 >= s.size() || s.compare(e + 1, 3, "eyJ") != 0)) break;
        if (segments < 3) {
          if (e >= s.size() || s[e] != '.') break;
          ++e;
        }
      }
      if (segments == 3) end = e;
    }
    if (end == pos) {
      ++pos;
      continue;
    }
    out.append(s.substr(copied, pos - copied));
    out.append(kRedactedMask);
    copied = pos = end;
  }
  out.append(s.substr(copied));
  return out;
}

}  // namespace

std::string RedactCredentials(std::string_view text) {
  std::string s = MaskPemKeys(text);
  s = MaskAuthSchemes(s);
  s = MaskUrlUserinfo(s);
  s = MaskTokens(s);
  return MaskKeyValues(s);
}

void Redactor::AddValue(std::string_view plain) {
  if (plain.size() < kMinRedactedValue) return;
  values_.emplace(plain);
  values_.insert(Base64Encode(plain));
}

void Redactor::AddBase64Value(std::string_view encoded) {
  if (encoded.size() >= kMinRedactedValue) values_.emplace(encoded);
  if (auto plain = Base64Decode(encoded); plain && plain->size() >= kMinRedactedValue) {
    values_.insert(std::move(*plain));
  }
}

void Redactor::AddSecret(const Json& object) {
  if (!object.is_object() || StringAt(object, {"kind"}) != "Secret" ||
      StringAt(object, {"apiVersion"}) != "v1") {
    return;
  }
  for (const char* field : {"data", "stringData"}) {
    auto it = object.find(field);
    if (it == object.end() || !it->is_object()) continue;
    for (const auto& [key, value] : it->items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (std::string_view(field) == "data") {
        AddBase64Value(text);
      } else {
        AddValue(text);
      }
    }
  }
  std::string last = StringAt(
      object, {"metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"});
  if (!last.empty()) {
    Json parsed = Json::parse(last, nullptr, false);
    if (!parsed.is_discarded()) AddSecret(parsed);
  }
}

std::string Redactor::Redact(std::string_view text) const {
  if (text.empty()) return {};
  std::string s(text);
  for (const std::string& v : values_) {  // longest first
    std::string next;
    std::size_t pos = 0;
    for (std::size_t hit = s.find(v); hit != std::string::npos; hit = s.find(v, pos)) {
      next.append(s, pos, hit - pos);
      next.append(kRedactedMask);
      pos = hit + v.size();
    }
    if (pos == 0) continue;
    next.append(s, pos);
    s = std::move(next);
  }
  return RedactCredentials(s);
}

void RedactMessages(Json& j, const Redactor& redactor) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "message" && it->is_string()) {
        *it = redactor.Redact(it->get<std::string>());
      } else {
        RedactMessages(*it, redactor);
      }
    }
  } else if (j.is_array()) {
    for (auto& e : j) RedactMessages(e, redactor);
  }
}

}  // namespace cellgate
