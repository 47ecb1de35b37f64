#include "http/message.h"

#include <algorithm>
#include <cstddef>

namespace cellgate::http {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerAscii(x) == LowerAscii(y);
         });
}

void Headers::Add(std::string name, std::string value) {
  fields_.push_back(Field{.name = std::move(name), .value = std::move(value)});
}

void Headers::Set(std::string name, std::string value) {
  std::erase_if(fields_, [&](const Field& f) { return EqualsIgnoreCase(f.name, name); });
  Add(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return std::string_view(f.value);
  }
  return std::nullopt;
}

void SplitTarget(std::string_view target, std::string& path, std::string& query) {
  std::size_t scheme = target.find("://");
  if (!target.starts_with('/') && scheme != std::string_view::npos) {
    std::size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  std::size_t q = target.find('?');
  path = std::string(target.substr(0, q));
  query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  std::size_t hash = path.find('#');
  if (hash != std::string::npos) path.resize(hash);  // a fragment is never sent, but be safe
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  if (body.empty() || body.back() != '\n') body += '\n';
  r.body = std::move(body);
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  return r;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.Set("Content-Type", "application/json");
  return r;
}

}  // namespace cellgate::http
