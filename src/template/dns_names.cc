#include "template/dns_names.h"

#include <cctype>

namespace cellgate::tmpl {

std::string SanitizeName(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      // One '-' per UTF-8 character, as Go's regexp replaces runes.
      std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
      out += '-';
      i += n;
      continue;
    }
    char l = static_cast<char>(std::tolower(c));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '.';
    out += ok ? l : '-';
    ++i;
  }
  if (out.size() > 253) out.resize(253);
  std::size_t b = out.find_first_not_of("-.");
  if (b == std::string::npos) return "";
  std::size_t e = out.find_last_not_of("-.");
  return out.substr(b, e - b + 1);
}

std::string Slugify(std::string_view name, int max_size, bool smart_truncate) {
  std::string s = SanitizeName(name);
  std::string out;
  for (char c : s) {
    char m = (c == '.' || c == '_') ? '-' : c;
    if (m == '-' && !out.empty() && out.back() == '-') continue;
    out += m;
  }
  auto trim = [](std::string& t) {
    std::size_t b = t.find_first_not_of("-_");
    if (b == std::string::npos) {
      t.clear();
      return;
    }
    std::size_t e = t.find_last_not_of("-_");
    t = t.substr(b, e - b + 1);
  };
  trim(out);
  if (max_size > 0 && out.size() > static_cast<std::size_t>(max_size)) {
    std::size_t limit = static_cast<std::size_t>(max_size);
    if (smart_truncate) {
      std::size_t cut = std::string::npos;
      for (std::size_t i = limit + 1; i-- > 0;) {
        if (i < out.size() && out[i] == '-') {
          cut = i;
          break;
        }
      }
      out = cut == std::string::npos ? out.substr(0, limit) : out.substr(0, cut);
    } else {
      out = out.substr(0, limit);
    }
    trim(out);
  }
  return out;
}

}  // namespace cellgate::tmpl
