#include "render/manifests.h"

#include <algorithm>
#include <map>
#include <utility>

#include "render/paths.h"

namespace cellgate::render {
namespace {

bool LooksLikeManifest(std::string_view text) {
  return text.find("apiVersion:") != std::string_view::npos &&
         text.find("kind:") != std::string_view::npos &&
         text.find("metadata:") != std::string_view::npos;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A decode failure in Argo CD's sense (the YAML is fine but is not a Kubernetes object).
bool IsDecodable(const Json& v) {
  if (!v.is_object()) return false;
  auto kind = v.find("kind");
  auto api = v.find("apiVersion");
  return kind != v.end() && kind->is_string() && !kind->get_ref<const std::string&>().empty() &&
         api != v.end() && api->is_string();
}

// "# Source: chart/templates/a.yaml" comments of `helm template` output, by 1-based line.
std::vector<std::pair<int, std::string>> HelmSources(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  constexpr std::string_view kPrefix = "# Source: ";
  int line = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view l = text.substr(pos, eol - pos);
    if (l.substr(0, kPrefix.size()) == kPrefix) {
      std::string_view src = l.substr(kPrefix.size());
      while (!src.empty() && (src.back() == '\r' || src.back() == ' ')) src.remove_suffix(1);
      out.emplace_back(line, std::string(src));
    }
    pos = eol + 1;
    ++line;
  }
  return out;
}

class Collector {
 public:
  explicit Collector(std::vector<Object>* out) : out_(out) {}

  Status Add(Json value, Origin origin) {
    if (value.is_null()) return Ok();
    if (value.is_object()) {
      auto kind = value.find("kind");
      auto items = value.find("items");
      if (kind != value.end() && kind->is_string() &&
          EndsWith(kind->get_ref<const std::string&>(), "List") && items != value.end() &&
          (items->is_array() ||
           (items->is_null() && !value.contains("spec") && !value.contains("status")))) {
        if (items->is_null()) return Ok();
        for (auto& item : *items) {
          if (!item.is_object()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             origin.ToString() + ": list item is not a mapping");
          }
          auto obj = Object::FromJson(std::move(item), origin);
          CG_TRY(obj);
          out_->push_back(std::move(*obj));
        }
        return Ok();
      }
    }
    auto obj = Object::FromJson(std::move(value), std::move(origin));
    CG_TRY(obj);
    out_->push_back(std::move(*obj));
    return Ok();
  }

 private:
  std::vector<Object>* out_;
};

}  // namespace

Result<ParsedManifests> ParseManifests(std::string_view text, const std::string& file,
                                       const ManifestParseOptions& options) {
  ParsedManifests result;
  Collector collect(&result.objects);
  if (options.json) {
    auto value = ParseJson(text, file, options.limits);
    CG_TRY(value);
    if (options.json_array && value->is_null()) return result;
    if (options.json_array && value->is_array()) {
      int index = 0;
      for (auto& item : *value) {
        Origin origin{file, index++, 0};
        if (item.is_null()) continue;
        if (!item.is_object()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           origin.ToString() + ": array element " + std::to_string(index - 1) +
                               " is not an object (got " + std::string(item.type_name()) + ")");
        }
        auto st = collect.Add(std::move(item), std::move(origin));
        CG_TRY(st);
      }
      return result;
    }
    if (!value->is_object()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       file + (options.json_array
                                   ? ": the output must be an object or an array of objects (got " +
                                         std::string(value->type_name()) + ")"
                                   : ": a JSON manifest file must hold one object"));
    }
    auto st = collect.Add(std::move(*value), Origin{file, 0, options.json_array ? 0 : 1});
    CG_TRY(st);
    return result;
  }

  auto docs = ParseYamlDocuments(text, file, options.limits);
  if (!docs) {
    if (options.skip_unrelated_yaml && docs.error().code() == ErrorCode::kInvalidArgument &&
        !LooksLikeManifest(text)) {
      result.note = file + ": ignored, not a manifest (" + docs.error().message() + ")";
      return result;
    }
    return std::unexpected(docs.error());
  }
  if (options.skip_unrelated_yaml && !LooksLikeManifest(text)) {
    bool all_decodable = std::all_of(docs->begin(), docs->end(), [](const YamlDocument& d) {
      return d.value.is_null() || IsDecodable(d.value);
    });
    if (!all_decodable) {
      result.note = file + ": ignored, YAML that is not a Kubernetes manifest";
      return result;
    }
  }

  std::vector<std::pair<int, std::string>> sources;
  std::map<std::string, int> per_source_index;
  if (options.helm_source_comments) sources = HelmSources(text);

  for (auto& doc : *docs) {
    result.expanded_bytes += doc.expanded_bytes;
    if (doc.value.is_null()) continue;
    Origin origin{file, doc.index, options.tool_output ? 0 : doc.line};
    if (options.helm_source_comments) {
      auto it = std::upper_bound(
          sources.begin(), sources.end(), doc.line,
          [](int line, const std::pair<int, std::string>& s) { return line < s.first; });
      if (it != sources.begin()) {
        std::string_view src = std::prev(it)->second;
        auto slash = src.find('/');
        std::string rel =
            slash == std::string_view::npos ? std::string(src) : std::string(src.substr(slash + 1));
        origin.file = JoinRepoPath(options.helm_chart_dir, rel);
        origin.document = per_source_index[origin.file]++;
        origin.line = 0;
      }
    }
    if (!doc.value.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, origin.ToString() +
                                                        ": document is not a mapping (got " +
                                                        std::string(doc.value.type_name()) + ")");
    }
    auto st = collect.Add(std::move(doc.value), std::move(origin));
    CG_TRY(st);
  }
  return result;
}

Status CheckDuplicates(const std::vector<Object>& objects) {
  std::map<ObjectKey, const Object*> seen;
  for (const auto& obj : objects) {
    if (obj.Name().empty()) continue;  // generateName objects get distinct names on create
    auto [it, inserted] = seen.emplace(obj.Key(), &obj);
    if (!inserted) {
      auto where = [](const Object& o) {
        auto s = o.origin().ToString();
        return s.empty() ? std::string("(unknown origin)") : s;
      };
      return MakeError(ErrorCode::kFailedPrecondition, "duplicate object " + obj.Key().ToString() +
                                                           ": defined in " + where(*it->second) +
                                                           " and in " + where(obj));
    }
  }
  return Ok();
}

}  // namespace cellgate::render
