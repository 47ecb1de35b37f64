#include "template/go_regexp.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>
#include <memory>
#include <string>

namespace cellgate::tmpl {
namespace {

constexpr std::uint32_t kMatchLimit = 1'000'000;

struct CodeDeleter {
  void operator()(pcre2_code* c) const { pcre2_code_free(c); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* m) const { pcre2_match_context_free(m); }
};

struct Compiled {
  std::unique_ptr<pcre2_code, CodeDeleter> code;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data;
  std::unique_ptr<pcre2_match_context, ContextDeleter> ctx;
};

Result<Compiled> Compile(std::string_view pattern) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_DUPNAMES, &err, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return MakeError(ErrorCode::kInvalidArgument, "regexp: Compile(`" + std::string(pattern) +
                                                      "`): " + reinterpret_cast<const char*>(msg) +
                                                      " at offset " + std::to_string(offset));
  }
  Compiled c;
  c.code.reset(code);
  c.data.reset(pcre2_match_data_create_from_pattern(code, nullptr));
  c.ctx.reset(pcre2_match_context_create(nullptr));
  pcre2_set_match_limit(c.ctx.get(), kMatchLimit);
  pcre2_set_depth_limit(c.ctx.get(), 10'000);
  return c;
}

// Runs one match at `start`; returns false when there is none. Fills ovector pairs.
Result<bool> MatchAt(Compiled& c, std::string_view text, std::size_t start) {
  int rc = pcre2_match(c.code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start,
                       0, c.data.get(), c.ctx.get());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) {
      return MakeError(ErrorCode::kResourceExhausted, "regexp: match limit exceeded");
    }
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("regexp: ") + reinterpret_cast<const char*>(msg));
  }
  return true;
}

std::size_t RuneWidth(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 1;
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  return i + n > s.size() ? 1 : n;
}

// Go's Regexp.Expand over one match.
void Expand(Compiled& c, std::string& out, std::string_view tmpl, std::string_view src) {
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(c.data.get());
  std::uint32_t pairs = pcre2_get_ovector_count(c.data.get());
  auto group = [&](long n) {
    if (n < 0 || static_cast<std::uint32_t>(n) >= pairs) return;
    if (ov[2 * n] == PCRE2_UNSET) return;
    out.append(src.substr(ov[2 * n], ov[2 * n + 1] - ov[2 * n]));
  };
  while (!tmpl.empty()) {
    auto dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view s = tmpl;
    bool brace = !s.empty() && s[0] == '{';
    if (brace) s.remove_prefix(1);
    std::size_t i = 0;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                            static_cast<unsigned char>(s[i]) >= 0x80)) {
      ++i;
    }
    if (i == 0 || (brace && (i >= s.size() || s[i] != '}'))) {
      out += '$';  // malformed: the $ is literal
      continue;
    }
    std::string name(s.substr(0, i));
    tmpl = s.substr(i + (brace ? 1 : 0));
    long num = 0;
    for (char ch : name) {
      if (ch < '0' || ch > '9' || num >= 100'000'000) {
        num = -1;
        break;
      }
      num = num * 10 + (ch - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num >= 0) {
      group(num);
    } else {
      int n = pcre2_substring_number_from_name(c.code.get(),
                                               reinterpret_cast<PCRE2_SPTR>(name.c_str()));
      if (n > 0) group(n);
    }
  }
  out.append(tmpl);
}

}  // namespace

Result<bool> RegexMatch(std::string_view pattern, std::string_view text) {
  auto c = Compile(pattern);
  CG_TRY(c);
  return MatchAt(*c, text, 0);
}

Result<std::string> RegexReplaceAll(std::string_view pattern, std::string_view text,
                                    std::string_view replacement, bool literal) {
  auto c = Compile(pattern);
  CG_TRY(c);
  std::string out;
  std::size_t last_end = 0, search = 0;
  while (search <= text.size()) {
    auto m = MatchAt(*c, text, search);
    CG_TRY(m);
    if (!*m) break;
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(c->data.get());
    std::size_t a0 = ov[0], a1 = ov[1];
    out.append(text.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      if (literal) {
        out.append(replacement);
      } else {
        Expand(*c, out, replacement, text);
      }
    }
    last_end = a1;
    std::size_t width = RuneWidth(text, search);
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  if (last_end < text.size()) out.append(text.substr(last_end));
  return out;
}

Result<std::vector<std::string>> RegexFindAll(std::string_view pattern, std::string_view text,
                                              int n) {
  auto c = Compile(pattern);
  CG_TRY(c);
  std::vector<std::string> out;
  std::size_t search = 0;
  long prev_end = -1;
  while (search <= text.size() && (n < 0 || static_cast<int>(out.size()) < n)) {
    auto m = MatchAt(*c, text, search);
    CG_TRY(m);
    if (!*m) break;
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(c->data.get());
    std::size_t a0 = ov[0], a1 = ov[1];
    bool accept = !(a0 == a1 && static_cast<long>(a0) == prev_end);
    if (accept) out.emplace_back(text.substr(a0, a1 - a0));
    prev_end = static_cast<long>(a1);
    search = a1 > search ? a1 : search + RuneWidth(text, search);
  }
  return out;
}

}  // namespace cellgate::tmpl
