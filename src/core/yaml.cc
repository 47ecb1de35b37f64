#include "core/yaml.h"

#include <yaml.h>

#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/yaml_internal.h"

namespace cellgate {
namespace {

// What a node costs once expanded: its nodes and the bytes of its scalars (keys included).
struct Size {
  std::size_t nodes = 0;
  std::size_t bytes = 0;
};

// An anchored node: the copy every alias to it makes, and that copy's size.
struct Anchor {
  Json value;
  Size size;
};

// One open collection while building a document from events.
struct Frame {
  Json value;
  bool is_map = false;
  bool have_key = false;
  std::string key;
  bool key_is_merge = false;
  std::string anchor;
  Size size{.nodes = 1};  // this collection and everything added to it so far
};

class DocumentBuilder {
 public:
  DocumentBuilder(std::string_view file, const YamlLimits& limits) : file_(file), limits_(limits) {}

  Result<std::vector<YamlDocument>> Parse(std::string_view text) {
    if (text.size() > limits_.max_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       file_ + ": file is " + std::to_string(text.size()) +
                           " bytes, larger than the limit of " + std::to_string(limits_.max_bytes));
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
      return MakeError(ErrorCode::kInternal, "yaml parser initialisation failed");
    }
    std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    std::vector<YamlDocument> docs;
    int doc_index = 0;
    while (true) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        return MakeError(ErrorCode::kInvalidArgument, ParserError(parser));
      }
      std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> ev(&event, yaml_event_delete);
      switch (event.type) {
        case YAML_STREAM_END_EVENT:
          return docs;
        case YAML_DOCUMENT_START_EVENT:
          stack_.clear();
          anchors_.clear();
          root_ = Json();
          have_root_ = false;
          nodes_ = 0;
          doc_index_ = doc_index;
          doc_start_bytes_ = bytes_;
          root_line_ = static_cast<int>(event.start_mark.line) + 1;
          break;
        case YAML_DOCUMENT_END_EVENT:
          docs.push_back(YamlDocument{have_root_ ? std::move(root_) : Json(), root_line_,
                                      doc_index++, bytes_ - doc_start_bytes_});
          break;
        case YAML_SCALAR_EVENT: {
          auto st = OnScalar(event);
          CG_TRY(st);
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
          if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
            return MakeError(ErrorCode::kResourceExhausted, At(event.start_mark) +
                                                                ": nesting deeper than " +
                                                                std::to_string(limits_.max_depth));
          }
          if (stack_.empty()) root_line_ = static_cast<int>(event.start_mark.line) + 1;
          Frame f;
          f.is_map = event.type == YAML_MAPPING_START_EVENT;
          f.value = f.is_map ? Json::object() : Json::array();
          const yaml_char_t* anchor =
              f.is_map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
          if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
          CG_TRY(Count(f.size, event.start_mark));
          stack_.push_back(std::move(f));
          break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
          Frame f = std::move(stack_.back());
          stack_.pop_back();
          if (!f.anchor.empty()) {
            // The anchor keeps its own copy (nested anchors copy one subtree once per level).
            CG_TRY(Count(f.size, event.start_mark));
            anchors_[f.anchor] = Anchor{f.value, f.size};
          }
          auto st = Add(std::move(f.value), f.size, false, event.start_mark);
          CG_TRY(st);
          break;
        }
        case YAML_ALIAS_EVENT: {
          std::string name = reinterpret_cast<const char*>(event.data.alias.anchor);
          auto it = anchors_.find(name);
          if (it == anchors_.end()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             At(event.start_mark) + ": unknown anchor '" + name + "'");
          }
          // Every alias copies its anchor; counting the copy (before making it) bounds
          // "billion laughs" input and large anchors repeated many times.
          const Anchor& anchor = it->second;
          CG_TRY(Count(anchor.size, event.start_mark));
          auto st = Add(Json(anchor.value), anchor.size, false, event.start_mark);
          CG_TRY(st);
          break;
        }
        default:
          break;
      }
    }
  }

 private:
  std::string At(const yaml_mark_t& mark) const {
    return file_ + ":" + std::to_string(mark.line + 1);
  }

  std::string ParserError(const yaml_parser_t& p) const {
    std::string msg = file_ + ":" + std::to_string(p.problem_mark.line + 1) + ":" +
                      std::to_string(p.problem_mark.column + 1) + ": ";
    msg += p.problem ? p.problem : "invalid YAML";
    if (p.context) {
      msg += " (";
      msg += p.context;
      msg += " at line " + std::to_string(p.context_mark.line + 1) + ")";
    }
    return msg;
  }

  // Adds what one node (or one copy made by an anchor or alias) costs: nodes per document,
  // scalar bytes per file.
  Status Count(const Size& size, const yaml_mark_t& mark) {
    nodes_ += size.nodes;
    bytes_ += size.bytes;
    if (nodes_ > limits_.max_nodes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       At(mark) + ": document " + std::to_string(doc_index_) +
                           " expands to more than " + std::to_string(limits_.max_nodes) +
                           " nodes (YAML anchors and aliases copy what they name)");
    }
    if (bytes_ > limits_.max_expanded_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       At(mark) + ": document " + std::to_string(doc_index_) +
                           ": the file expands to more than " +
                           std::to_string(limits_.max_expanded_bytes) +
                           " bytes of scalars (YAML anchors and aliases copy what they name)");
    }
    return Ok();
  }

  Status OnScalar(const yaml_event_t& event) {
    const auto& s = event.data.scalar;
    std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
    Frame* parent = stack_.empty() ? nullptr : &stack_.back();
    bool is_key = parent && parent->is_map && !parent->have_key;
    std::string_view tag = s.tag ? reinterpret_cast<const char*>(s.tag) : "";
    bool explicit_tag = !tag.empty() && tag != "!";
    // Keys keep their text (`y:` or `on:` stays a key named "y" or "on", as users mean);
    // quoted scalars and !!str are strings; plain scalars resolve by YAML 1.1 rules.
    bool resolve = explicit_tag
                       ? tag != "tag:yaml.org,2002:str" && tag != "tag:yaml.org,2002:binary"
                       : !is_key && s.plain_implicit && s.style == YAML_PLAIN_SCALAR_STYLE;
    Json value = resolve
                     ? (tag == "tag:yaml.org,2002:null" ? Json(nullptr)
                                                        : yaml_internal::ResolvePlainScalar(text))
                     : Json(std::string(text));
    Size size{.nodes = 1, .bytes = text.size()};
    if (auto st = Count(size, event.start_mark); !st) return st;
    bool is_merge_key = s.style == YAML_PLAIN_SCALAR_STYLE && text == "<<";
    if (s.anchor) {
      if (auto st = Count(size, event.start_mark); !st) return st;
      anchors_[reinterpret_cast<const char*>(s.anchor)] = Anchor{value, size};
    }
    return Add(std::move(value), size, is_merge_key, event.start_mark);
  }

  // Places a finished node of `size` into its parent (or as the document root).
  Status Add(Json value, const Size& size, bool is_merge_key, const yaml_mark_t& mark) {
    if (stack_.empty()) {
      root_ = std::move(value);
      have_root_ = true;
      return Ok();
    }
    Frame& top = stack_.back();
    top.size.nodes += size.nodes;
    top.size.bytes += size.bytes;
    if (!top.is_map) {
      top.value.push_back(std::move(value));
      return Ok();
    }
    if (!top.have_key) {
      if (value.is_string()) {
        top.key = value.get<std::string>();
      } else if (value.is_null()) {
        top.key = "null";
      } else if (value.is_object() || value.is_array()) {
        return MakeError(ErrorCode::kInvalidArgument, At(mark) + ": mapping keys must be scalars");
      } else {
        top.key = value.dump();
      }
      top.key_is_merge = is_merge_key;
      top.have_key = true;
      return Ok();
    }
    top.have_key = false;
    if (top.key_is_merge) {
      return Merge(top.value, value, mark);
    }
    top.value[top.key] = std::move(value);
    return Ok();
  }

  // YAML merge key: keys already present win over merged ones.
  Status Merge(Json& target, const Json& source, const yaml_mark_t& mark) {
    auto merge_one = [&](const Json& m) -> Status {
      if (!m.is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         At(mark) + ": merge key '<<' needs a mapping or a list of mappings");
      }
      for (auto it = m.begin(); it != m.end(); ++it) {
        if (!target.contains(it.key())) target[it.key()] = it.value();
      }
      return Ok();
    };
    if (source.is_array()) {
      for (const auto& m : source) {
        if (auto st = merge_one(m); !st) return st;
      }
      return Ok();
    }
    return merge_one(source);
  }

  std::string file_;
  YamlLimits limits_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchor> anchors_;
  Json root_;
  bool have_root_ = false;
  int root_line_ = 0;
  std::size_t nodes_ = 0;  // this document's, after expansion
  std::size_t bytes_ = 0;  // the whole file's scalar bytes, after expansion
  std::size_t doc_start_bytes_ = 0;
  int doc_index_ = 0;
};

}  // namespace

Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text, std::string_view file,
                                                     const YamlLimits& limits) {
  DocumentBuilder builder(file, limits);
  return builder.Parse(text);
}

Result<Json> ParseJson(std::string_view text, std::string_view file, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     std::string(file) + ": file is larger than the limit of " +
                         std::to_string(limits.max_bytes) + " bytes");
  }
  int depth = 0;
  bool too_deep = false;
  Json::parser_callback_t cb = [&](int d, Json::parse_event_t, Json&) {
    depth = d;
    if (d > limits.max_depth) too_deep = true;
    return !too_deep;
  };
  Json j = Json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/false);
  if (too_deep) {
    return MakeError(ErrorCode::kResourceExhausted, std::string(file) + ": nesting deeper than " +
                                                        std::to_string(limits.max_depth));
  }
  if (j.is_discarded()) {
    // Re-parse with exceptions off is silent about the position; find it with a SAX pass.
    struct Locator : nlohmann::json_sax<Json> {
      std::size_t pos = 0;
      std::string what;
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t p, const std::string&,
                       const nlohmann::detail::exception& ex) override {
        pos = p;
        what = ex.what();
        return false;
      }
    } loc;
    Json::sax_parse(text.begin(), text.end(), &loc, nlohmann::detail::input_format_t::json,
                    /*strict=*/true);
    int line = 1;
    for (std::size_t i = 0; i + 1 < loc.pos && i < text.size(); ++i) {
      if (text[i] == '\n') ++line;
    }
    std::string what = loc.what;
    if (auto p = what.find("syntax error"); p != std::string::npos) what = what.substr(p);
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(file) + ":" + std::to_string(line) + ": invalid JSON: " + what);
  }
  (void)depth;
  return j;
}

}  // namespace cellgate
