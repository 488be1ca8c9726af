// A small streaming JSON writer: enough for the summary schema, with correct string escaping.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kdmp {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = false) : pretty_(pretty) {}
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& string(std::string_view s);
  JsonWriter& number(int64_t v);
  JsonWriter& unsigned_number(uint64_t v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  JsonWriter& hex(uint64_t v);  // "0x..." string
  const std::string& str() const { return out_; }

 private:
  void before_value();
  void write_escaped(std::string_view s);
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
  bool pretty_;
};

}  // namespace kdmp
