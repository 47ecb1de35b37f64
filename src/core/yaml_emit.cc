// YAML emission through libyaml's emitter, so quoting and escaping follow the spec; we only
// decide, per string, whether a plain scalar would be misread as another type.
#include <yaml.h>

#include <memory>
#include <string>

#include "core/yaml.h"

namespace cellgate {
namespace {

int WriteToString(void* data, unsigned char* buffer, size_t size) {
  static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
  return 1;
}

class Emitter {
 public:
  Emitter() {
    yaml_emitter_initialize(&emitter_);
    yaml_emitter_set_output(&emitter_, WriteToString, &out_);
    yaml_emitter_set_unicode(&emitter_, 1);
    yaml_emitter_set_width(&emitter_, -1);
    yaml_emitter_set_indent(&emitter_, 2);
  }
  ~Emitter() { yaml_emitter_delete(&emitter_); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  std::string Emit(const Json& value) {
    yaml_event_t e;
    yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
    Send(&e);
    yaml_document_start_event_initialize(&e, nullptr, nullptr, nullptr, /*implicit=*/1);
    Send(&e);
    Node(value);
    yaml_document_end_event_initialize(&e, /*implicit=*/1);
    Send(&e);
    yaml_stream_end_event_initialize(&e);
    Send(&e);
    yaml_emitter_flush(&emitter_);
    return std::move(out_);
  }

 private:
  void Send(yaml_event_t* e) { yaml_emitter_emit(&emitter_, e); }

  void Scalar(const std::string& text, yaml_scalar_style_t style) {
    yaml_event_t e;
    bool plain_ok = style == YAML_ANY_SCALAR_STYLE || style == YAML_PLAIN_SCALAR_STYLE;
    yaml_scalar_event_initialize(&e, nullptr, nullptr,
                                 reinterpret_cast<yaml_char_t*>(const_cast<char*>(text.data())),
                                 static_cast<int>(text.size()), plain_ok ? 1 : 0, 1, style);
    Send(&e);
  }

  void String(const std::string& s) {
    if (s.empty() || PlainScalarIsNonString(s) || s == "<<") {
      Scalar(s, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    } else if (s.find('\n') != std::string::npos && s.find_first_of("\r\t") == std::string::npos &&
               s.back() != ' ' && s.front() != ' ') {
      Scalar(s, YAML_LITERAL_SCALAR_STYLE);
    } else {
      Scalar(s, YAML_ANY_SCALAR_STYLE);
    }
  }

  void Node(const Json& v) {
    yaml_event_t e;
    switch (v.type()) {
      case Json::value_t::object:
        yaml_mapping_start_event_initialize(
            &e, nullptr, nullptr, 1,
            v.empty() ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
        Send(&e);
        for (auto it = v.begin(); it != v.end(); ++it) {
          String(it.key());
          Node(it.value());
        }
        yaml_mapping_end_event_initialize(&e);
        Send(&e);
        break;
      case Json::value_t::array:
        yaml_sequence_start_event_initialize(
            &e, nullptr, nullptr, 1,
            v.empty() ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
        Send(&e);
        for (const auto& item : v) Node(item);
        yaml_sequence_end_event_initialize(&e);
        Send(&e);
        break;
      case Json::value_t::string:
        String(v.get_ref<const std::string&>());
        break;
      case Json::value_t::null:
        Scalar("null", YAML_PLAIN_SCALAR_STYLE);
        break;
      default:
        Scalar(v.dump(), YAML_PLAIN_SCALAR_STYLE);
        break;
    }
  }

  yaml_emitter_t emitter_;
  std::string out_;
};

}  // namespace

std::string ToYaml(const Json& value) {
  Emitter emitter;
  return emitter.Emit(value);
}

}  // namespace cellgate
