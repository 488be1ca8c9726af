#include "kdmp/frame_data.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "kdmp/le.hpp"
#include "kdmp/pdb.hpp"

namespace kdmp {

namespace {

constexpr size_t kFrameDataSize = 32, kFpoDataSize = 16;
constexpr size_t kOldFpoDbgIndex = 0, kNewFpoDbgIndex = 9;
constexpr uint32_t kStringTableSignature = 0xeffeeffe;
constexpr size_t kStringTableHeader = 12;
constexpr size_t kMaxProgram = 1024;             // longer programs are not compiler output
constexpr uint32_t kMaxStreamBytes = 64u << 20;  // 2 M records of frame data: far above any kernel PDB

Error broken(const std::string& what, uint64_t where) {
  return make_error(ErrorCode::BadHeader, "PDB frame data: " + what, where);
}

}  // namespace

void X86FrameTable::add(X86FrameData record, std::string_view program) {
  if (!record.old_fpo) {
    auto it = program_index_.find(program);
    if (it == program_index_.end()) {
      programs_.emplace_back(program);
      it = program_index_.emplace(programs_.back(), static_cast<uint32_t>(programs_.size() - 1)).first;
    }
    record.program = it->second;
  }
  records_.push_back(record);
}

void X86FrameTable::finish() {
  program_index_.clear();
  if (programs_.empty()) programs_.emplace_back();
  std::stable_sort(records_.begin(), records_.end(),
                   [](const X86FrameData& a, const X86FrameData& b) { return a.rva < b.rva; });
}

const X86FrameData* X86FrameTable::find(uint32_t rva) const {
  auto it = std::upper_bound(records_.begin(), records_.end(), rva,
                             [](uint32_t v, const X86FrameData& r) { return v < r.rva; });
  // Records of one function nest (each prologue step covers the rest of it); a few steps back finds the one that
  // covers rva when a shorter neighbour ends before it.
  for (int steps = 0; it != records_.begin() && steps < 64; ++steps) {
    --it;
    if (rva - it->rva < it->code_size) return &*it;
  }
  return nullptr;
}

Status parse_new_fpo(std::span<const uint8_t> records, std::span<const uint8_t> names, X86FrameTable& out) {
  if (records.size() % kFrameDataSize != 0) {
    return broken(std::to_string(records.size()) + " bytes of new FPO records are not a multiple of 32", 0);
  }
  if (names.size() < kStringTableHeader || le::u32(names, 0) != kStringTableSignature) {
    return broken("the /names string table has no 0xEFFEEFFE signature", 0);
  }
  const std::span<const uint8_t> strings =
      names.subspan(kStringTableHeader, std::min<size_t>(le::u32(names, 8), names.size() - kStringTableHeader));
  std::map<uint32_t, std::string_view> seen;  // FrameFunc -> program, parsed once
  for (size_t at = 0; at < records.size(); at += kFrameDataSize) {
    X86FrameData f;
    f.rva = le::u32(records, at);
    f.code_size = le::u32(records, at + 4);
    f.locals = le::u32(records, at + 8);
    f.params = le::u32(records, at + 12);
    f.max_stack = le::u32(records, at + 16);
    const uint32_t frame_func = le::u32(records, at + 20);
    f.prolog = le::u16(records, at + 24);
    f.saved_regs = le::u16(records, at + 26);
    f.function_start = (le::u32(records, at + 28) & 4) != 0;
    auto it = seen.find(frame_func);
    if (it == seen.end()) {
      if (frame_func >= strings.size()) {
        return broken("record " + std::to_string(at / kFrameDataSize) + " names program " +
                          std::to_string(frame_func) + ", past the string table's " +
                          std::to_string(strings.size()) + " bytes",
                      at + 20);
      }
      const char* begin = reinterpret_cast<const char*>(strings.data() + frame_func);
      const size_t n = strnlen(begin, std::min(strings.size() - frame_func, kMaxProgram + 1));
      if (n > kMaxProgram) return broken("a program string longer than 1024 bytes", at + 20);
      it = seen.emplace(frame_func, std::string_view(begin, n)).first;
    }
    out.add(f, it->second);
  }
  return Ok{};
}

Status parse_old_fpo(std::span<const uint8_t> records, X86FrameTable& out) {
  if (records.size() % kFpoDataSize != 0) {
    return broken(std::to_string(records.size()) + " bytes of FPO_DATA are not a multiple of 16", 0);
  }
  for (size_t at = 0; at < records.size(); at += kFpoDataSize) {
    X86FrameData f;
    f.old_fpo = true;
    f.rva = le::u32(records, at);
    f.code_size = le::u32(records, at + 4);
    f.locals = 4 * le::u32(records, at + 8);
    f.params = 4u * le::u16(records, at + 12);
    const uint16_t bits = le::u16(records, at + 14);
    f.prolog = bits & 0xff;
    f.saved_regs = 4u * ((bits >> 8) & 7);
    f.uses_bp = (bits >> 12) & 1;
    f.frame_type = static_cast<uint8_t>(bits >> 14);
    out.add(f);
  }
  return Ok{};
}

X86FrameTable read_x86_frame_table(Pdb& pdb, std::vector<Warning>* warnings) {
  X86FrameTable table;
  auto warn = [&](const std::string& message) {
    if (warnings) warnings->push_back({"pdb-frame-data-broken", message});
  };
  auto read_whole = [&](uint16_t stream, std::vector<uint8_t>& out) -> Status {
    const uint32_t size = pdb.stream_size(stream);
    if (size > kMaxStreamBytes) return broken("stream " + std::to_string(stream) + " is too large", 0);
    out.resize(size);
    return pdb.read_stream(stream, 0, out);
  };
  std::vector<uint8_t> records, names;
  if (auto stream = pdb.debug_stream(kNewFpoDbgIndex)) {
    auto names_stream = pdb.named_stream("/names");
    Status st = !names_stream ? Status(broken("new FPO records but no /names string table", 0))
                              : read_whole(*stream, records);
    if (st.ok()) st = read_whole(*names_stream, names);
    if (st.ok()) st = parse_new_fpo(records, names, table);
    if (!st.ok()) warn("new FPO (stream " + std::to_string(*stream) + "): " + st.error().message);
  }
  if (auto stream = pdb.debug_stream(kOldFpoDbgIndex)) {
    Status st = read_whole(*stream, records);
    if (st.ok()) st = parse_old_fpo(records, table);
    if (!st.ok()) warn("FPO (stream " + std::to_string(*stream) + "): " + st.error().message);
  }
  table.finish();
  return table;
}

}  // namespace kdmp
