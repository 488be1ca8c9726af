// The embind layer between kdmp_core and JavaScript. It only converts: a JS byte source becomes a kdmp::ByteSource,
// results become plain JS values. No exception crosses the boundary: failures come back as { ok: false, error }.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kdmp/dump.hpp"
#include "kdmp/header.hpp"
#include "kdmp/result.hpp"
#include "kdmp/summary.hpp"

namespace {

using emscripten::val;

// JS numbers are exact integers up to 2^53; offsets and sizes cross as double.
bool is_offset(double v) { return std::isfinite(v) && v >= 0 && v <= 9007199254740992.0 && std::floor(v) == v; }

val error_value(const kdmp::Error& e) {
  val error = val::object();
  error.set("code", std::string(kdmp::error_code_name(e.code)));
  error.set("message", e.message);
  error.set("where", kdmp::hex(e.where));
  return error;
}

val failure(const kdmp::Error& e) {
  val result = val::object();
  result.set("ok", false);
  result.set("error", error_value(e));
  return result;
}

// A kdmp::ByteSource over a JS object { size: number, read(offset: number, target: Uint8Array): number }.
// read() fills `target`, a view straight onto the wasm heap, and returns the count, or -1 on failure (JS sources
// must not throw: an exception would unwind through C++ frames). The source may say why in `lastError`.
class JsByteSource final : public kdmp::ByteSource {
 public:
  JsByteSource(val source, uint64_t size) : source_(std::move(source)), size_(size) {}
  uint64_t size() const override { return size_; }

  kdmp::Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    if (out.empty() || offset >= size_) return size_t{0};
    const double n = source_.call<double>("read", static_cast<double>(offset),
                                          val(emscripten::typed_memory_view(out.size(), out.data())));
    if (!(n >= 0) || n > static_cast<double>(out.size()) || std::floor(n) != n) {
      std::string why = "the byte source failed to read " + std::to_string(out.size()) + " bytes at " +
                        kdmp::hex(offset);
      const val detail = source_["lastError"];
      if (detail.isString()) why += ": " + detail.as<std::string>();
      return kdmp::make_error(kdmp::ErrorCode::Io, std::move(why), offset);
    }
    return static_cast<size_t>(n);
  }

 private:
  val source_;
  uint64_t size_;
};

// An opened dump, owned by JS: call delete() when done with it.
class DumpHandle {
 public:
  explicit DumpHandle(kdmp::Dump dump) : dump_(std::move(dump)) {}

  std::string summaryJson() { return kdmp::summary_json(dump_); }
  double fileSize() const { return static_cast<double>(dump_.file_size()); }

  // { ok: true, bytes: Uint8Array (a copy, shorter only at the end of the file) } or { ok: false, error }.
  val readFile(double offset, double length) {
    if (!is_offset(offset) || !is_offset(length)) {
      return failure(kdmp::make_error(kdmp::ErrorCode::InvalidArgument, "offset and length must be integers >= 0"));
    }
    const uint64_t size = dump_.file_size();
    const uint64_t start = static_cast<uint64_t>(offset);
    const uint64_t count = start >= size ? 0 : std::min<uint64_t>(static_cast<uint64_t>(length), size - start);
    std::vector<uint8_t> buffer(count);
    auto n = dump_.read_file(start, buffer);
    if (!n.ok()) return failure(n.error());
    val result = val::object();
    result.set("ok", true);
    result.set("bytes", val::global("Uint8Array").new_(emscripten::typed_memory_view(n.value(), buffer.data())));
    return result;
  }

  // [{ name, offset, size }] for this dump's header layout.
  val headerFields() const {
    val fields = val::array();
    for (const kdmp::HeaderFieldInfo& f : kdmp::header_fields(dump_.header().is64)) {
      val field = val::object();
      field.set("name", std::string(f.name));
      field.set("offset", f.offset);
      field.set("size", f.size);
      fields.call<void>("push", field);
    }
    return fields;
  }

 private:
  kdmp::Dump dump_;
};

// { ok: true, dump: DumpHandle } or { ok: false, error: { code, message, where } }.
val open(val source) {
  const val size = source["size"];
  if (!size.isNumber() || !is_offset(size.as<double>()) || source["read"].typeOf().as<std::string>() != "function") {
    return failure(kdmp::make_error(kdmp::ErrorCode::InvalidArgument,
                                    "a byte source is an object { size: number, read(offset, target): number }"));
  }
  auto dump = kdmp::Dump::open(std::make_unique<JsByteSource>(source, static_cast<uint64_t>(size.as<double>())));
  if (!dump.ok()) return failure(dump.error());
  val result = val::object();
  result.set("ok", true);
  // A unique_ptr hands ownership to the JS handle: its delete() destroys the DumpHandle.
  result.set("dump", val(std::make_unique<DumpHandle>(std::move(dump).value())));
  return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(kdmpview) {
  emscripten::class_<DumpHandle>("DumpHandle")
      .function("summaryJson", &DumpHandle::summaryJson)
      .function("fileSize", &DumpHandle::fileSize)
      .function("readFile", &DumpHandle::readFile)
      .function("headerFields", &DumpHandle::headerFields);
  emscripten::function("open", &open);
}
