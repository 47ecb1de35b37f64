#include "template/fasttemplate.h"

namespace cellgate::tmpl {
namespace {

bool LooksTemplated(std::string_view s) {
  std::size_t line_start = 0;
  while (line_start <= s.size()) {
    std::size_t nl = s.find('\n', line_start);
    std::string_view line = s.substr(
        line_start, nl == std::string_view::npos ? std::string_view::npos : nl - line_start);
    std::size_t open = line.find("{{");
    if (open != std::string_view::npos && line.find("}}", open + 2) != std::string_view::npos)
      return true;
    if (nl == std::string_view::npos) break;
    line_start = nl + 1;
  }
  return false;
}

std::string_view TrimSpace(std::string_view s) {
  auto sp = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> RenderFastTemplate(std::string_view text, const Json& params) {
  if (!LooksTemplated(text)) return std::string(text);
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid template: cannot find end tag \"}}\" after \"" +
                           std::string(text.substr(open, 40)) + "\"");
    }
    out.append(text.substr(pos, open - pos));
    std::string_view tag = text.substr(open + 2, close - open - 2);
    std::string key(TrimSpace(tag));
    const Json* value = nullptr;
    if (!key.empty() && params.is_object()) {
      auto it = params.find(key);
      if (it != params.end() && it->is_string()) value = &*it;
    }
    if (value != nullptr) {
      out += value->get_ref<const std::string&>();
    } else {
      out += "{{";
      out.append(tag);
      out += "}}";
    }
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace cellgate::tmpl
