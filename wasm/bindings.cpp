// The embind layer between kdmp_core and JavaScript. It only converts: a JS byte source becomes a kdmp::ByteSource,
// "0x..." strings become addresses, results become plain JS values. No exception crosses the boundary: every
// function returns { ok: true, ... } or { ok: false, error: { code, message, where } }, bad arguments included.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <span>
#include <vector>

#include "kdmp/batch_read.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/file_layout.hpp"
#include "kdmp/analysis.hpp"
#include "kdmp/header.hpp"
#include "kdmp/module_symbols.hpp"
#include "kdmp/next_mapped.hpp"
#include "kdmp/pattern_scan.hpp"
#include "kdmp/paging.hpp"
#include "kdmp/result.hpp"
#include "kdmp/summary.hpp"
#include "kdmp/triage.hpp"
#include "kdmp/virtual_reader.hpp"

namespace {

using emscripten::val;

// The most bytes one read returns: reads are copied through the wasm heap, which must stay small whatever the
// dump's size (the caller splits bigger reads).
constexpr double kMaxRead = 16 * 1024 * 1024;
// Virtual address spaces kept open at once (each holds a translation cache); the oldest goes first.
constexpr size_t kMaxAddressSpaces = 8;

// JS numbers are exact integers up to 2^53; offsets and sizes cross as double.
bool is_offset(double v) { return std::isfinite(v) && v >= 0 && v <= 9007199254740992.0 && std::floor(v) == v; }

val error_value(const kdmp::Error& e) {
  val error = val::object();
  error.set("code", std::string(kdmp::error_code_name(e.code)));
  error.set("message", e.message);
  error.set("where", kdmp::hex(e.where));
  if (e.span != 0) error.set("span", kdmp::hex(e.span));
  return error;
}

val failure(const kdmp::Error& e) {
  val result = val::object();
  result.set("ok", false);
  result.set("error", error_value(e));
  return result;
}

val invalid(std::string message, uint64_t where = 0) {
  return failure(kdmp::make_error(kdmp::ErrorCode::InvalidArgument, std::move(message), where));
}

val success() {
  val result = val::object();
  result.set("ok", true);
  return result;
}

// "0x" followed by 1 to 16 hex digits, either case: the one spelling of a 64-bit value across the boundary.
std::optional<uint64_t> parse_hex(const val& v) {
  if (!v.isString()) return std::nullopt;
  const std::string s = v.as<std::string>();
  if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 2; i < s.size(); ++i) {
    const char c = s[i];
    unsigned digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return std::nullopt;
    value = value << 4 | digit;
  }
  return value;
}

const char* const kHexExpected = " must be a \"0x...\" string of 1 to 16 hex digits";

// A read's buffer, left uninitialised: zeroing 1 MiB costs more than a failed read (the search makes many).
class Buffer {
 public:
  explicit Buffer(size_t size) : bytes_(size == 0 ? nullptr : new uint8_t[size]), size_(size) {}
  std::span<uint8_t> span() { return {bytes_.get(), size_}; }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<uint8_t[]> bytes_;
  size_t size_;
};

// { ok: true, bytes: Uint8Array } with a copy of the first n bytes of buffer.
val bytes_result(Buffer& buffer, size_t n) {
  val result = success();
  result.set("bytes", val::global("Uint8Array").new_(emscripten::typed_memory_view(n, buffer.span().data())));
  return result;
}

// A kdmp::ByteSource over a JS object { size: number, read(offset: number, target: Uint8Array): number }.
// read() fills `target`, a view straight onto the wasm heap, and returns the count, or -1 on failure (JS sources
// must not throw: an exception would unwind through C++ frames). The source may say why in `lastError`.
class JsByteSource final : public kdmp::ByteSource {
 public:
  // The source may say how it likes to be read (blockSize, readAhead, coalesceGap); kdmp::ReadHint's defaults
  // otherwise.
  JsByteSource(val source, uint64_t size) : source_(std::move(source)), size_(size) {
    const val block = source_["blockSize"];
    const val ahead = source_["readAhead"];
    if (block.isNumber() && is_offset(block.as<double>()) && block.as<double>() <= 64.0 * 1024 * 1024) {
      hint_.block_size = static_cast<size_t>(block.as<double>());
    }
    if (ahead.isNumber() && is_offset(ahead.as<double>()) && ahead.as<double>() <= 64.0 * 1024 * 1024) {
      hint_.read_ahead = static_cast<size_t>(ahead.as<double>());
    }
    const val gap = source_["coalesceGap"];
    if (gap.isNumber() && is_offset(gap.as<double>()) && gap.as<double>() <= 64.0 * 1024 * 1024) {
      hint_.coalesce_gap = static_cast<size_t>(gap.as<double>());
    }
  }
  uint64_t size() const override { return size_; }
  kdmp::ReadHint read_hint() const override { return hint_; }

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
  kdmp::ReadHint hint_;
};

// An opened dump, owned by JS: call delete() when done with it.
class DumpHandle {
 public:
  explicit DumpHandle(kdmp::Dump dump) : dump_(std::move(dump)) {}

  // From the analysis kept for symbolize/resolveSymbol: symbol files are indexed once per set.
  std::string summaryJson() { return kdmp::summary_json(dump_, analysis()); }

  // --- Symbols: PDBs and images (SYS/EXE/DLL) handed over as byte sources, read in place (never copied whole
  // into the heap), matched to modules by GUID/age and TimeDateStamp/SizeOfImage. ---

  // { ok: true, kind: "pdb" | "image" } or { ok: false, error } (neither a PDB nor a PE image).
  val addSymbolFile(std::string name, val source) {
    const val size = source["size"];
    if (!size.isNumber() || !is_offset(size.as<double>()) || source["read"].typeOf().as<std::string>() != "function") {
      return invalid("a byte source is an object { size: number, read(offset, target): number }");
    }
    auto st = symbol_files_.add(std::move(name),
                                std::make_unique<JsByteSource>(source, static_cast<uint64_t>(size.as<double>())));
    if (!st.ok()) return failure(st.error());
    analysis_.reset();
    val result = success();
    result.set("kind", symbol_files_.files().back().kind == kdmp::SymbolFileSet::Kind::Pdb ? "pdb" : "image");
    return result;
  }

  // [{ name, kind, used }]: which files named a module (after symbolize, resolveSymbol or summaryJson).
  val symbolFiles() {
    analysis();
    val files = val::array();
    for (const auto& f : symbol_files_.files()) {
      val file = val::object();
      file.set("name", f.name);
      file.set("kind", f.kind == kdmp::SymbolFileSet::Kind::Pdb ? "pdb" : "image");
      file.set("used", f.used);
      files.call<void>("push", file);
    }
    return files;
  }

  // { ok: true, symbol: "symdrv!SymFaultingFunction+0x10" | null, source: "pdb" | "exports" | "none" }.
  val symbolize(val address) {
    const auto a = parse_hex(address);
    if (!a) return invalid(std::string("address") + kHexExpected);
    val result = success();
    auto name = analysis().symbols.symbolizer.symbolize(*a);
    result.set("symbol", name ? val(name->text()) : val::null());
    result.set("source", std::string(kdmp::symbol_source_name(name ? name->source : kdmp::SymbolSource::None)));
    return result;
  }

  // { ok: true, address: "0x..." | null } for "nt!KeBugCheckEx", "symdrv!Function+0x10", "symdrv+0x20".
  val resolveSymbol(std::string expression) {
    if (expression.size() > 4096) return invalid("the expression is longer than 4096 characters");
    val result = success();
    auto address = analysis().symbols.symbolizer.resolve(expression);
    result.set("address", address ? val(kdmp::hex(*address)) : val::null());
    return result;
  }
  double fileSize() const { return static_cast<double>(dump_.file_size()); }

  // { ok: true, bytes: Uint8Array (a copy, shorter only at the end of the file) } or { ok: false, error }.
  val readFile(double offset, double length) {
    if (!is_offset(offset) || !is_offset(length)) return invalid("offset and length must be integers >= 0");
    if (length > kMaxRead) return invalid("a read returns at most 16 MiB");
    const uint64_t size = dump_.file_size();
    const uint64_t start = static_cast<uint64_t>(offset);
    const uint64_t count = start >= size ? 0 : std::min<uint64_t>(static_cast<uint64_t>(length), size - start);
    Buffer buffer(static_cast<size_t>(count));
    auto n = dump_.read_file(start, buffer.span());
    if (!n.ok()) return failure(n.error());
    return bytes_result(buffer, n.value());
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

  // Physical memory at `address`: { ok: true, bytes } (shorter when the read reaches a page the dump does not
  // hold) or { ok: false, error } when not even the first byte is there (`where` = that address).
  val readPhysical(val address, double length) {
    const auto gpa = parse_hex(address);
    if (!gpa) return invalid(std::string("the physical address") + kHexExpected);
    if (!is_offset(length) || length > kMaxRead) return invalid("length must be an integer from 0 to 16 MiB");
    Buffer buffer(static_cast<size_t>(length));
    if (buffer.size() == 0) return bytes_result(buffer, 0);
    auto n = dump_.read_physical(kdmp::Gpa(*gpa), buffer.span());
    if (!n.ok()) return failure(n.error());
    return bytes_result(buffer, n.value());
  }

  // Virtual memory at `address` through the page tables of `dtb` (default: the header's DirectoryTableBase), or a
  // triage dump's saved regions (`dtb` then does not matter). As readPhysical: shorter at the first byte that
  // cannot be read, an error when the first one cannot.
  val readVirtual(val address, double length, val dtb) {
    const auto va = parse_hex(address);
    if (!va) return invalid(std::string("the virtual address") + kHexExpected);
    if (!is_offset(length) || length > kMaxRead) return invalid("length must be an integer from 0 to 16 MiB");
    std::optional<uint64_t> table;
    if (!dtb.isUndefined() && !(table = parse_hex(dtb))) return invalid(std::string("the dtb") + kHexExpected);
    auto memory = address_space(table);
    if (!memory.ok()) return failure(memory.error());
    Buffer buffer(static_cast<size_t>(length));
    if (buffer.size() == 0) return bytes_result(buffer, 0);
    if (auto* reader = dynamic_cast<kdmp::VirtualReader*>(*memory)) {
      auto n = reader->read(kdmp::Gva(*va), buffer.span());
      if (!n.ok()) return failure(n.error());
      return bytes_result(buffer, n.value());
    }
    // Other providers (a triage dump's regions) only read exactly: on failure, `where` is the first byte they
    // could not read, so read again up to it.
    auto status = (*memory)->read_virtual_exact(kdmp::Gva(*va), buffer.span());
    if (status.ok()) return bytes_result(buffer, buffer.size());
    const uint64_t readable = status.error().where - *va;
    if (status.error().where <= *va || readable >= buffer.size()) return failure(status.error());
    auto prefix = (*memory)->read_virtual_exact(kdmp::Gva(*va), buffer.span().first(static_cast<size_t>(readable)));
    if (!prefix.ok()) return failure(status.error());
    return bytes_result(buffer, static_cast<size_t>(readable));
  }
  val readVirtualDefault(val address, double length) { return readVirtual(std::move(address), length, val::undefined()); }

  // Many reads at once (kdmp::read_virtual_batch): `addresses` a BigUint64Array, `lengths` a Uint32Array of the same
  // length. { ok: true, bytes, done, stops, codes }: every read's bytes one after another (read i's at the sum of
  // the lengths before it; bytes it did not get are 0), done[i] the bytes read i got, stops[i] 0 when it got them
  // all or else 1 + why it stopped (codes[stops[i]] names the error code). { ok: false } only for bad arguments or
  // a batch over the bounds (2^18 reads, 16 MiB).
  val readVirtualBatch(val addresses, val lengths, val dtb) {
    std::optional<uint64_t> table;
    if (!dtb.isUndefined() && !(table = parse_hex(dtb))) return invalid(std::string("the dtb") + kHexExpected);
    auto memory = address_space(table);
    if (!memory.ok()) return failure(memory.error());
    return batch(addresses, lengths, *memory);
  }
  val readVirtualBatchDefault(val addresses, val lengths) {
    return readVirtualBatch(std::move(addresses), std::move(lengths), val::undefined());
  }
  val readPhysicalBatch(val addresses, val lengths) { return batch(addresses, lengths, nullptr); }

  // { ok: true, gpa, pageSize, pageBase, writable, user, executable, transition } or { ok: false, error }: the
  // page-table walk of `address` (x64, ARM64, x86 PAE and non-PAE). A triage dump has no page tables: unsupported.
  val translate(val address, val dtb) {
    const auto va = parse_hex(address);
    if (!va) return invalid(std::string("the virtual address") + kHexExpected);
    std::optional<uint64_t> table;
    if (!dtb.isUndefined() && !(table = parse_hex(dtb))) return invalid(std::string("the dtb") + kHexExpected);
    auto memory = address_space(table);
    if (!memory.ok()) return failure(memory.error());
    auto* reader = dynamic_cast<kdmp::VirtualReader*>(*memory);
    if (!reader) {
      return failure(kdmp::make_error(kdmp::ErrorCode::Unsupported,
                                      "a triage dump has no page tables: its virtual memory is the saved regions",
                                      *va));
    }
    auto t = reader->translate(kdmp::Gva(*va));
    if (!t.ok()) return failure(t.error());
    val result = success();
    result.set("gpa", kdmp::hex(t->gpa.value));
    result.set("pageSize", static_cast<double>(t->page_size));
    result.set("pageBase", kdmp::hex(t->page_base.value));
    result.set("writable", t->writable);
    result.set("user", t->user);
    result.set("executable", t->executable);
    result.set("transition", t->transition);
    return result;
  }
  val translateDefault(val address) { return translate(std::move(address), val::undefined()); }

  // { ok: true, mode: "x64" | "arm64" | "x86-pae" | "x86" | "triage", pointerSize, dtb } for the address space
  // readVirtual and translate use by default.
  val virtualMemoryInfo() {
    auto memory = address_space(std::nullopt);
    if (!memory.ok()) return failure(memory.error());
    val result = success();
    auto* reader = dynamic_cast<kdmp::VirtualReader*>(*memory);
    result.set("mode", std::string(reader ? kdmp::paging_mode_name(reader->mode()) : "triage"));
    result.set("pointerSize", (*memory)->pointer_size());
    result.set("dtb", reader ? val(kdmp::hex(reader->dtb())) : val::null());
    return result;
  }

  // A triage dump's saved virtual memory: [{ address, size, kind }], sorted by address; [] for other dumps.
  val virtualRegions() const {
    val regions = val::array();
    if (const kdmp::TriageDump* triage = dump_.triage()) {
      for (const kdmp::TriageRegion& r : triage->regions) {
        val region = val::object();
        region.set("address", kdmp::hex(r.va.value));
        region.set("size", static_cast<double>(r.size));
        region.set("kind", std::string(kdmp::triage_region_kind_name(r.kind)));
        regions.call<void>("push", region);
      }
    }
    return regions;
  }

  // The memory map: [{ base: "0x..." (physical address), pages: number }], merged and sorted.
  val physicalRanges() const {
    val ranges = val::array();
    dump_.for_each_physical_range([&](const kdmp::PhysicalRange& r) {
      val range = val::object();
      range.set("base", kdmp::hex(r.first_pfn << 12));
      range.set("pages", static_cast<double>(r.page_count));
      ranges.call<void>("push", range);
      return true;
    });
    return ranges;
  }

  // { ok: true, pfn: "0x..." | null }: the first page the dump holds at or after `pfn`, null when there is none.
  val nextPhysicalPage(val pfn) const {
    const auto from = parse_hex(pfn);
    if (!from) return invalid(std::string("the pfn") + kHexExpected);
    const auto next = dump_.next_physical_page(*from);
    val result = success();
    result.set("pfn", next ? val(kdmp::hex(*next)) : val::null());
    return result;
  }

  // { ok: true, address: "0x..." | null }: the first virtual address at or after `address` that can be read
  // (through the page tables of `dtb`, default the header's, to a page the dump holds; or a triage dump's next saved
  // region); null when there is none below 2^64.
  val nextMappedVirtual(val address, val dtb) {
    const auto va = parse_hex(address);
    if (!va) return invalid(std::string("the virtual address") + kHexExpected);
    std::optional<uint64_t> table;
    if (!dtb.isUndefined() && !(table = parse_hex(dtb))) return invalid(std::string("the dtb") + kHexExpected);
    auto memory = address_space(table);
    if (!memory.ok()) return failure(memory.error());
    auto next = kdmp::next_mapped_virtual(**memory, kdmp::Gva(*va));
    if (!next.ok()) return failure(next.error());
    val result = success();
    result.set("address", next->has_value() ? val(kdmp::hex((*next)->value)) : val::null());
    return result;
  }
  val nextMappedVirtualDefault(val address) { return nextMappedVirtual(std::move(address), val::undefined()); }

  // Present physical memory by stretches stored one after another in the file, for a search that reads the file
  // itself: [{ base: "0x..." (physical address), pages: number, fileOffset: number }], sorted by base.
  val physicalExtents() const {
    val extents = val::array();
    dump_.for_each_physical_extent([&](const kdmp::PhysicalExtent& e) {
      val extent = val::object();
      extent.set("base", kdmp::hex(e.first_pfn << 12));
      extent.set("pages", static_cast<double>(e.page_count));
      extent.set("fileOffset", static_cast<double>(e.file_offset));
      extents.call<void>("push", extent);
      return true;
    });
    return extents;
  }

  // Searches the file for `pattern` (a Uint8Array) in one read: the matches that start in [offset, offset + length),
  // reading `lookahead` more bytes so that a match may end past it (the caller sets how far: the pattern's length
  // - 1, or less where the bytes stop belonging together). The bytes go from the source straight into the wasm
  // heap and are scanned there (kdmp::PatternScanner, wasm SIMD).
  // { ok: true, matches: number[] (file offsets, at most maxMatches), capped: boolean (more were there), read }.
  val scanFile(double offset, double length, double lookahead, val pattern, double maxMatches) {
    if (!is_offset(offset) || !is_offset(length) || !is_offset(lookahead) || !is_offset(maxMatches)) {
      return invalid("offset, length, lookahead and maxMatches must be integers >= 0");
    }
    if (length + lookahead > kMaxRead) return invalid("a scan reads at most 16 MiB");
    const std::vector<uint8_t> needle = emscripten::convertJSArrayToNumberVector<uint8_t>(pattern);
    if (needle.empty() || needle.size() > 4096) return invalid("the pattern must be 1 to 4096 bytes");
    const uint64_t start = static_cast<uint64_t>(offset);
    const size_t want = kdmp::clip_to(dump_.file_size(), start, static_cast<size_t>(length + lookahead));
    if (scan_buffer_.size() < want) scan_buffer_.resize(want);
    auto n = dump_.read_file(start, std::span<uint8_t>(scan_buffer_.data(), want));
    if (!n.ok()) return failure(n.error());
    std::vector<uint64_t> found;
    const bool complete = kdmp::PatternScanner(needle).find_all(
        std::span<const uint8_t>(scan_buffer_.data(), *n), static_cast<size_t>(length),
        static_cast<size_t>(maxMatches), found);
    val matches = val::array();
    for (const uint64_t at : found) matches.call<void>("push", static_cast<double>(start + at));
    val result = success();
    result.set("matches", matches);
    result.set("capped", !complete);
    result.set("read", static_cast<double>(*n));
    return result;
  }

  // The file's structures: [{ kind, name, offset: "0x...", size: "0x..." }], sorted by offset (kdmp::file_layout).
  val fileLayout() const {
    val regions = val::array();
    for (const kdmp::FileRegion& r : kdmp::file_layout(dump_)) {
      val region = val::object();
      region.set("kind", r.kind);
      region.set("name", r.name);
      region.set("offset", kdmp::hex(r.offset));
      region.set("size", kdmp::hex(r.size));
      regions.call<void>("push", region);
    }
    return regions;
  }

 private:
  // The typed arrays of a batch copied into the heap, the batch run (through `space`, or physical memory when it is
  // null), its results copied out.
  val batch(const val& addresses, const val& lengths, kdmp::VirtualMemory* space) {
    if (!addresses.instanceof(val::global("BigUint64Array")) || !lengths.instanceof(val::global("Uint32Array"))) {
      return invalid("a batch is a BigUint64Array of addresses and a Uint32Array of lengths");
    }
    const size_t n = addresses["length"].as<size_t>();
    if (lengths["length"].as<size_t>() != n) {
      return invalid("a batch has as many lengths as addresses: " + std::to_string(n) + " addresses, " +
                     std::to_string(lengths["length"].as<size_t>()) + " lengths");
    }
    if (n > kdmp::kBatchMaxReads) {
      return invalid("a batch holds at most " + std::to_string(kdmp::kBatchMaxReads) + " reads, not " +
                     std::to_string(n));
    }
    const val u32 = val::global("Uint32Array");
    std::vector<kdmp::BatchRead> reads(n);
    {
      // Both arrays copied in one typed-array set each (the addresses as pairs of 32-bit halves: wasm is
      // little-endian), and freed before the batch runs: the heap never shrinks, so its peak is what counts.
      std::vector<uint64_t> address_values(n);
      std::vector<uint32_t> length_values(n);
      val(emscripten::typed_memory_view(2 * n, reinterpret_cast<uint32_t*>(address_values.data())))
          .call<void>("set", u32.new_(addresses["buffer"], addresses["byteOffset"], 2 * n));
      val(emscripten::typed_memory_view(n, length_values.data())).call<void>("set", lengths);
      for (size_t i = 0; i < n; ++i) reads[i] = {address_values[i], length_values[i]};
    }
    auto total = kdmp::batch_bytes(reads);
    if (!total.ok()) return failure(total.error());
    std::vector<uint8_t> out(*total);
    std::vector<kdmp::BatchReadStatus> status(n);
    auto st = space ? kdmp::read_virtual_batch(dump_, *space, reads, out, status)
                    : kdmp::read_physical_batch(dump_, reads, out, status);
    if (!st.ok()) return failure(st.error());
    // Bytes past each read's `done` are zero, whatever the planner left there.
    std::vector<uint32_t> done(n);
    std::vector<uint8_t> stops(n);
    size_t offset = 0;
    for (size_t i = 0; i < n; ++i) {
      done[i] = status[i].done;
      stops[i] = status[i].stop ? static_cast<uint8_t>(1 + static_cast<int>(*status[i].stop)) : 0;
      std::fill(out.begin() + offset + status[i].done, out.begin() + offset + reads[i].length, 0);
      offset += reads[i].length;
    }
    val result = success();
    result.set("bytes", val::global("Uint8Array").new_(emscripten::typed_memory_view(out.size(), out.data())));
    result.set("done", u32.new_(emscripten::typed_memory_view(n, done.data())));
    result.set("stops", val::global("Uint8Array").new_(emscripten::typed_memory_view(n, stops.data())));
    val codes = val::array();
    codes.call<void>("push", std::string());
    for (int c = 0; c <= static_cast<int>(kdmp::ErrorCode::InvalidArgument); ++c) {  // the last code
      codes.call<void>("push", std::string(kdmp::error_code_name(static_cast<kdmp::ErrorCode>(c))));
    }
    result.set("codes", codes);
    return result;
  }

  // One VirtualMemory per DirectoryTableBase, kept so its translation cache outlives a call. The Dump does not
  // move (this handle lives on the heap), as virtual_memory() requires.
  kdmp::Result<kdmp::VirtualMemory*> address_space(std::optional<uint64_t> dtb) {
    const uint64_t key = dtb.value_or(dump_.header().directory_table_base);
    if (auto it = spaces_.find(key); it != spaces_.end()) return it->second.get();
    auto memory = dump_.virtual_memory(dtb);
    if (!memory.ok()) return memory.error();
    if (spaces_.size() >= kMaxAddressSpaces) {
      spaces_.erase(order_.front());
      order_.erase(order_.begin());
    }
    order_.push_back(key);
    return (spaces_[key] = std::move(memory).value()).get();
  }

  // The analysis behind symbolize/resolveSymbol, computed once per set of symbol files.
  kdmp::Analysis& analysis() {
    if (!analysis_) {
      kdmp::AnalysisOptions options;
      options.symbols = symbol_files_.files().empty() ? nullptr : &symbol_files_;
      analysis_ = std::make_unique<kdmp::Analysis>(kdmp::analyze(dump_, options));
    }
    return *analysis_;
  }

  kdmp::Dump dump_;
  kdmp::SymbolFileSet symbol_files_;
  std::unique_ptr<kdmp::Analysis> analysis_;
  std::vector<uint8_t> scan_buffer_;  // scanFile's reads: one chunk, reused
  std::map<uint64_t, std::unique_ptr<kdmp::VirtualMemory>> spaces_;
  std::vector<uint64_t> order_;  // keys of spaces_, oldest first
};

// { ok: true, dump: DumpHandle } or { ok: false, error: { code, message, where } }.
val open(val source) {
  const val size = source["size"];
  if (!size.isNumber() || !is_offset(size.as<double>()) || source["read"].typeOf().as<std::string>() != "function") {
    return invalid("a byte source is an object { size: number, read(offset, target): number }");
  }
  auto dump = kdmp::Dump::open(std::make_unique<JsByteSource>(source, static_cast<uint64_t>(size.as<double>())));
  if (!dump.ok()) return failure(dump.error());
  val result = success();
  // A unique_ptr hands ownership to the JS handle: its delete() destroys the DumpHandle.
  result.set("dump", val(std::make_unique<DumpHandle>(std::move(dump).value())));
  return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(kdmpview) {
  // readVirtual, translate and nextMappedVirtual take an optional dtb: embind overloads by argument count.
  emscripten::class_<DumpHandle>("DumpHandle")
      .function("summaryJson", &DumpHandle::summaryJson)
      .function("fileSize", &DumpHandle::fileSize)
      .function("readFile", &DumpHandle::readFile)
      .function("headerFields", &DumpHandle::headerFields)
      .function("readPhysical", &DumpHandle::readPhysical)
      .function("readVirtual", &DumpHandle::readVirtual)
      .function("readVirtual", &DumpHandle::readVirtualDefault)
      .function("readPhysicalBatch", &DumpHandle::readPhysicalBatch)
      .function("readVirtualBatch", &DumpHandle::readVirtualBatch)
      .function("readVirtualBatch", &DumpHandle::readVirtualBatchDefault)
      .function("translate", &DumpHandle::translate)
      .function("translate", &DumpHandle::translateDefault)
      .function("virtualMemoryInfo", &DumpHandle::virtualMemoryInfo)
      .function("virtualRegions", &DumpHandle::virtualRegions)
      .function("physicalRanges", &DumpHandle::physicalRanges)
      .function("nextPhysicalPage", &DumpHandle::nextPhysicalPage)
      .function("nextMappedVirtual", &DumpHandle::nextMappedVirtual)
      .function("nextMappedVirtual", &DumpHandle::nextMappedVirtualDefault)
      .function("physicalExtents", &DumpHandle::physicalExtents)
      .function("scanFile", &DumpHandle::scanFile)
      .function("fileLayout", &DumpHandle::fileLayout)
      .function("addSymbolFile", &DumpHandle::addSymbolFile)
      .function("symbolFiles", &DumpHandle::symbolFiles)
      .function("symbolize", &DumpHandle::symbolize)
      .function("resolveSymbol", &DumpHandle::resolveSymbol);
  emscripten::function("open", &open);
}
