// Shared by the whole-system tests (test_system_*.cpp): open a fixture through Dump::open, analyze it, and look
// things up in the analysis by name.
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/analysis.hpp"
#include "kdmp/le.hpp"
#include "test_physmem_helpers.hpp"

namespace kdmp::testing {

// An opened and analyzed dump. Not movable: the virtual memory refers to the Dump.
struct Analyzed {
  explicit Analyzed(std::vector<uint8_t> bytes) : dump(open_bytes(std::move(bytes))) {
    REQUIRE(dump.ok());
    analysis = analyze(*dump);
    auto v = dump->virtual_memory();
    REQUIRE(v.ok());
    vm = std::move(v).value();
  }
  explicit Analyzed(const fixtures::DumpSpec& spec) : Analyzed(fixtures::build_dump(spec)) {}
  Analyzed(const Analyzed&) = delete;
  Analyzed& operator=(const Analyzed&) = delete;

  const Module* module(const std::string& name, ModuleKind kind) const {
    for (const Module& m : analysis.modules.modules) {
      if (m.name == name && m.kind == kind) return &m;
    }
    return nullptr;
  }
  std::vector<std::string> module_names() const {
    std::vector<std::string> out;
    for (const Module& m : analysis.modules.modules) out.push_back(m.name);
    return out;
  }
  std::vector<std::string> warning_codes() const {
    std::vector<std::string> out;
    for (const Warning& w : dump->warnings()) out.push_back(w.code);
    for (const Warning& w : analysis.warnings) out.push_back(w.code);
    for (const Warning& w : analysis.modules.warnings) out.push_back(w.code);
    return out;
  }
  std::optional<uint64_t> reg(const std::string& name) const { return analysis.context->get(name); }

  // n bytes at va, or an empty vector when they cannot all be read.
  std::vector<uint8_t> read(uint64_t va, size_t n) const {
    std::vector<uint8_t> out(n);
    if (!vm->read_virtual_exact(Gva(va), out).ok()) return {};
    return out;
  }
  uint64_t read_pointer(uint64_t va) const {
    const auto b = read(va, vm->pointer_size());
    if (b.empty()) return ~uint64_t{0};
    return vm->pointer_size() == 4 ? le::u32(b, 0) : le::u64(b, 0);
  }

  Result<Dump> dump;
  Analysis analysis;
  std::unique_ptr<VirtualMemory> vm;
};

// A stack entry as the tests spell it.
struct ExpectedEntry {
  uint64_t stack_address;
  uint64_t value;
  std::string module;
  uint64_t offset;
  bool probable_return;
  bool operator==(const ExpectedEntry&) const = default;
};

inline std::vector<ExpectedEntry> entries_of(const StackScan& scan) {
  std::vector<ExpectedEntry> out;
  for (const StackEntry& e : scan.entries) {
    out.push_back({e.stack_address, e.value, e.module, e.offset, e.probable_return});
  }
  return out;
}

// UTF-16LE bytes of ASCII text, as a UNICODE_STRING buffer holds it.
inline std::vector<uint8_t> utf16le(const std::string& text) {
  std::vector<uint8_t> out;
  for (char c : text) {
    out.push_back(static_cast<uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

inline std::vector<uint8_t> ascii(const std::string& text) { return {text.begin(), text.end()}; }

}  // namespace kdmp::testing

namespace Catch {
template <>
struct StringMaker<kdmp::testing::ExpectedEntry> {
  static std::string convert(const kdmp::testing::ExpectedEntry& e) {
    std::string s = "{";  // appended, not "{" + ...: GCC 12 warns (-Wrestrict) on const char* + string&&
    s += kdmp::hex(e.stack_address) + ", " + kdmp::hex(e.value) + ", " + e.module + "+" + kdmp::hex(e.offset);
    s += e.probable_return ? ", return}" : ", value}";
    return s;
  }
};
}  // namespace Catch
