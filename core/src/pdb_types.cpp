#include "kdmp/pdb_types.hpp"

#include <algorithm>
#include <cstring>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

constexpr size_t kTpiStream = 2;
constexpr uint32_t kTpiHeaderMin = 56;
constexpr uint32_t kMaxTypes = 1u << 22;     // ntoskrnl's PDB holds a few hundred thousand
constexpr uint32_t kWindow = 256 * 1024;     // bytes of the TPI stream read at a time while indexing
constexpr unsigned kMaxIndexLinks = 64;      // LF_INDEX continuations of one field list
constexpr unsigned kMaxTypeHops = 8;         // modifiers and pointers seen through
constexpr unsigned kMaxPathDepth = 8;

// Leaf kinds (cvinfo.h).
constexpr uint16_t kModifier = 0x1001, kPointer = 0x1002, kFieldList = 0x1203;
constexpr uint16_t kClass = 0x1504, kStructure = 0x1505, kUnion = 0x1506;
constexpr uint16_t kBClass = 0x1400, kVBClass = 0x1401, kIVBClass = 0x1402, kIndex = 0x1404, kVFuncTab = 0x1409;
constexpr uint16_t kEnumerate = 0x1502, kMember = 0x150d, kStMember = 0x150e, kMethod = 0x150f,
                   kNestType = 0x1510, kOneMethod = 0x1511;
constexpr uint16_t kForwardRef = 0x80;

Error broken(const std::string& what, uint64_t where) {
  return make_error(ErrorCode::BadHeader, "PDB TPI: " + what, where);
}

// A numeric leaf at `at`: its value and its length, or nullopt when it runs past the record.
struct Numeric {
  uint64_t value;
  size_t size;
};
std::optional<Numeric> numeric(std::span<const uint8_t> r, size_t at) {
  if (!le::fits(r, at, 2)) return std::nullopt;
  const uint16_t leaf = le::u16(r, at);
  if (leaf < 0x8000) return Numeric{leaf, 2};
  auto sized = [&](size_t n) -> std::optional<Numeric> {
    if (!le::fits(r, at + 2, n)) return std::nullopt;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{r[at + 2 + i]} << (8 * i);
    return Numeric{v, 2 + n};
  };
  switch (leaf) {
    case 0x8000: return sized(1);            // LF_CHAR
    case 0x8001: case 0x8002: return sized(2);  // LF_SHORT, LF_USHORT
    case 0x8003: case 0x8004: return sized(4);  // LF_LONG, LF_ULONG
    case 0x8009: case 0x800a: return sized(8);  // LF_QUADWORD, LF_UQUADWORD
    default: return std::nullopt;
  }
}

// A NUL-terminated name at `at`; nullopt when it has no terminator inside the record.
std::optional<std::string_view> name_at(std::span<const uint8_t> r, size_t at) {
  if (at >= r.size()) return std::nullopt;
  const auto* begin = reinterpret_cast<const char*>(r.data() + at);
  const size_t n = strnlen(begin, r.size() - at);
  if (at + n >= r.size()) return std::nullopt;
  return std::string_view(begin, n);
}

// The name and properties of a structure, class or union record (length and kind included in `r`).
struct Aggregate {
  uint16_t property = 0;
  uint32_t field_list = 0;
  std::string_view name;
};
std::optional<Aggregate> aggregate(std::span<const uint8_t> r) {
  if (r.size() < 4) return std::nullopt;
  const uint16_t kind = le::u16(r, 2);
  size_t size_at = 0;
  if (kind == kStructure || kind == kClass) {
    size_at = 20;  // count, property, field list, derived, vshape
  } else if (kind == kUnion) {
    size_at = 12;  // count, property, field list
  } else {
    return std::nullopt;
  }
  if (r.size() < size_at) return std::nullopt;
  auto size = numeric(r, size_at);
  if (!size) return std::nullopt;
  auto name = name_at(r, size_at + size->size);
  if (!name) return std::nullopt;
  return Aggregate{le::u16(r, 6), le::u32(r, 8), *name};
}

}  // namespace

Result<PdbTypes> PdbTypes::read(Pdb& pdb, const std::vector<std::string>& wanted) {
  PdbTypes t(pdb);
  const uint32_t size = pdb.stream_size(kTpiStream);
  if (pdb.stream_count() <= kTpiStream || size < kTpiHeaderMin) {
    return broken("the type stream (2) is missing or shorter than its header", 0);
  }
  std::array<uint8_t, kTpiHeaderMin> h{};
  if (auto st = pdb.read_stream(kTpiStream, 0, h); !st.ok()) return st.error();
  const uint32_t header_size = le::u32(h, 4), begin = le::u32(h, 8), end = le::u32(h, 12), bytes = le::u32(h, 16);
  if (header_size < kTpiHeaderMin || header_size > size || bytes > size - header_size) {
    return broken("the header's sizes (" + std::to_string(header_size) + ", " + std::to_string(bytes) +
                      ") do not fit the stream's " + std::to_string(size) + " bytes",
                  4);
  }
  if (begin < 0x1000 || end < begin || end - begin > kMaxTypes) {
    return broken("type indices " + hex(begin) + " to " + hex(end) + " are implausible", 8);
  }
  t.begin_ = begin;
  t.records_.reserve(end - begin);

  // One pass over the records: where each is, and the definitions of the wanted structures.
  const uint32_t stop = header_size + bytes;
  std::vector<uint8_t> window;
  uint32_t window_at = 0;
  for (uint32_t pos = header_size; pos < stop && t.records_.size() < end - begin;) {
    if (stop - pos < 4) return broken("a record header runs past the records' end", pos);
    if (pos < window_at || pos + 4 > window_at + window.size()) {
      window_at = pos;
      window.resize(std::min(kWindow, stop - pos));
      if (auto st = pdb.read_stream(kTpiStream, pos, window); !st.ok()) return st.error();
    }
    const uint16_t length = le::u16(window, pos - window_at);
    if (length < 2 || uint64_t{pos} + 2 + length > stop) {
      return broken("record " + hex(begin + t.records_.size()) + " has a length of " + std::to_string(length) +
                        " that does not fit",
                    pos);
    }
    t.records_.push_back(pos);
    const uint16_t kind = le::u16(window, pos - window_at + 2);
    if (!wanted.empty() && (kind == kStructure || kind == kClass || kind == kUnion)) {
      if (pos + 2 + length > window_at + window.size()) {
        window_at = pos;
        window.resize(std::min(kWindow, stop - pos));
        if (auto st = pdb.read_stream(kTpiStream, pos, window); !st.ok()) return st.error();
      }
      const auto r = std::span<const uint8_t>(window).subspan(pos - window_at, 2 + length);
      if (auto a = aggregate(r); a && (a->property & kForwardRef) == 0) {
        const std::string name(a->name);
        if (std::find(wanted.begin(), wanted.end(), name) != wanted.end() && t.definitions_.count(name) == 0) {
          t.definitions_[name] = begin + static_cast<uint32_t>(t.records_.size() - 1);
        }
      }
    }
    pos += 2 + length;
  }
  if (t.records_.size() != end - begin) {
    t.warnings_.push_back({"pdb-types-short", "the type stream holds " + std::to_string(t.records_.size()) +
                                                  " records where its header announces " +
                                                  std::to_string(end - begin)});
  }
  return t;
}

std::optional<uint32_t> PdbTypes::definition(std::string_view name) const {
  auto it = definitions_.find(std::string(name));
  if (it == definitions_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<uint8_t>> PdbTypes::record(uint32_t type) {
  if (type < begin_ || type - begin_ >= records_.size()) return broken("no type " + hex(type), type);
  const uint32_t pos = records_[type - begin_];
  std::array<uint8_t, 2> len{};
  if (auto st = pdb_->read_stream(kTpiStream, pos, len); !st.ok()) return st.error();
  std::vector<uint8_t> r(2 + le::u16(len, 0));
  if (auto st = pdb_->read_stream(kTpiStream, pos, r); !st.ok()) return st.error();
  return r;
}

std::string PdbTypes::aggregate_name(uint32_t type, bool through_pointer) {
  for (unsigned hop = 0; hop < kMaxTypeHops; ++hop) {
    auto r = record(type);
    if (!r || r->size() < 8) return {};
    const uint16_t kind = le::u16(*r, 2);
    if (kind == kModifier || (kind == kPointer && through_pointer)) {
      type = le::u32(*r, 4);  // the modified type / the referent
      continue;
    }
    auto a = aggregate(*r);
    return a ? std::string(a->name) : std::string();
  }
  return {};
}

Result<std::vector<PdbMember>> PdbTypes::members(uint32_t type) {
  if (auto cached = members_cache_.find(type); cached != members_cache_.end()) return cached->second;
  auto r = record(type);
  if (!r) return r.error();
  auto a = aggregate(*r);
  if (!a) return broken("type " + hex(type) + " is not a structure, class or union", type);
  std::vector<PdbMember> out;
  uint32_t list = a->field_list;
  for (unsigned link = 0; list != 0 && link < kMaxIndexLinks; ++link) {
    auto fr = record(list);
    if (!fr) return fr.error();
    const std::span<const uint8_t> f(*fr);
    if (f.size() < 4 || le::u16(f, 2) != kFieldList) {
      return broken("type " + hex(list) + " (the field list of " + std::string(a->name) + ") is not a field list",
                    list);
    }
    uint32_t next = 0;
    size_t at = 4;
    auto stop = [&](const std::string& why) {
      warnings_.push_back({"pdb-types-field-list", std::string(a->name) + ": field list " + hex(list) + " " + why +
                                                       " at byte " + std::to_string(at) + "; later members unread"});
    };
    while (at + 2 <= f.size()) {
      if (f[at] >= 0xf0) {  // LF_PAD0..LF_PAD15: the low nibble skips to the next member
        const size_t skip = f[at] & 0x0f;
        at += skip == 0 ? 1 : skip;
        continue;
      }
      const uint16_t leaf = le::u16(f, at);
      std::optional<size_t> end;  // where the member ends
      switch (leaf) {
        case kMember: {
          auto off = numeric(f, at + 8);
          if (!le::fits(f, at + 2, 6) || !off) break;
          auto name = name_at(f, at + 8 + off->size);
          if (!name) break;
          out.push_back({std::string(*name), le::u32(f, at + 4), off->value});
          end = at + 8 + off->size + name->size() + 1;
          break;
        }
        case kStMember:
        case kNestType: {
          auto name = name_at(f, at + 8);
          if (name) end = at + 8 + name->size() + 1;
          break;
        }
        case kBClass: {
          auto off = numeric(f, at + 8);
          if (off) end = at + 8 + off->size;
          break;
        }
        case kVBClass:
        case kIVBClass: {
          auto a1 = numeric(f, at + 12);
          auto a2 = a1 ? numeric(f, at + 12 + a1->size) : std::nullopt;
          if (a2) end = at + 12 + a1->size + a2->size;
          break;
        }
        case kVFuncTab: end = at + 8; break;
        case kIndex:
          if (le::fits(f, at + 4, 4)) {
            next = le::u32(f, at + 4);
            end = at + 8;
          }
          break;
        case kMethod: {
          auto name = name_at(f, at + 8);
          if (name) end = at + 8 + name->size() + 1;
          break;
        }
        case kOneMethod: {
          if (!le::fits(f, at + 2, 2)) break;
          const unsigned kind = (le::u16(f, at + 2) >> 2) & 7;  // intro (4) and pure intro (6) add a vbase offset
          const size_t name_pos = at + 8 + ((kind == 4 || kind == 6) ? 4 : 0);
          auto name = name_at(f, name_pos);
          if (name) end = name_pos + name->size() + 1;
          break;
        }
        case kEnumerate: {
          auto v = numeric(f, at + 4);
          auto name = v ? name_at(f, at + 4 + v->size) : std::nullopt;
          if (name) end = at + 4 + v->size + name->size() + 1;
          break;
        }
        default: break;
      }
      if (!end) {
        stop("has member kind " + hex(leaf) + " that does not parse");
        break;
      }
      at = *end;
    }
    list = next;
  }
  members_cache_[type] = out;
  return out;
}

std::optional<uint64_t> PdbTypes::offset_of(std::string_view structure, std::string_view path) {
  auto type = definition(structure);
  uint64_t total = 0;
  for (unsigned depth = 0; type && !path.empty() && depth < kMaxPathDepth; ++depth) {
    const size_t dot = path.find('.');
    const std::string_view step = path.substr(0, dot);
    auto ms = members(*type);
    if (!ms) return std::nullopt;
    const auto m = std::find_if(ms->begin(), ms->end(), [&](const PdbMember& x) { return x.name == step; });
    if (m == ms->end()) return std::nullopt;
    total += m->offset;
    if (dot == std::string_view::npos) return total;
    path = path.substr(dot + 1);
    type = definition(aggregate_name(m->type));  // nested structures are wanted too: kernel_offsets_from_pdb
  }
  return std::nullopt;
}

namespace {

struct FieldPath {
  KernelField field;
  const char* structure;
  std::initializer_list<const char*> paths;  // the first that exists wins (names differ by architecture)
};

const FieldPath kFieldPaths[] = {
    {KernelField::ProcessDirectoryTableBase, "_EPROCESS", {"Pcb.DirectoryTableBase"}},
    {KernelField::ProcessUserDirectoryTableBase, "_EPROCESS", {"Pcb.UserDirectoryTableBase"}},
    {KernelField::ProcessUniqueProcessId, "_EPROCESS", {"UniqueProcessId"}},
    {KernelField::ProcessActiveProcessLinks, "_EPROCESS", {"ActiveProcessLinks"}},
    {KernelField::ProcessCreateTime, "_EPROCESS", {"CreateTime"}},
    {KernelField::ProcessExitTime, "_EPROCESS", {"ExitTime"}},
    {KernelField::ProcessInheritedFromUniqueProcessId, "_EPROCESS", {"InheritedFromUniqueProcessId"}},
    {KernelField::ProcessPeb, "_EPROCESS", {"Peb"}},
    {KernelField::ProcessSessionId, "_EPROCESS", {"Session"}},
    {KernelField::ProcessWow64Process, "_EPROCESS", {"WoW64Process", "Wow64Process"}},
    {KernelField::ProcessImageFileName, "_EPROCESS", {"ImageFileName"}},
    {KernelField::ProcessImagePath, "_EPROCESS", {"SeAuditProcessCreationInfo.ImageFileName"}},
    {KernelField::ProcessThreadListHead, "_EPROCESS", {"ThreadListHead"}},
    {KernelField::ProcessActiveThreads, "_EPROCESS", {"ActiveThreads"}},
    {KernelField::ThreadState, "_ETHREAD", {"Tcb.State"}},
    {KernelField::ThreadTeb, "_ETHREAD", {"Tcb.Teb"}},
    {KernelField::ThreadApcProcess, "_ETHREAD", {"Tcb.ApcState.Process"}},
    {KernelField::ThreadCid, "_ETHREAD", {"Cid"}},
    {KernelField::ThreadStartAddress, "_ETHREAD", {"StartAddress"}},
    {KernelField::ThreadWin32StartAddress, "_ETHREAD", {"Win32StartAddress"}},
    {KernelField::ThreadListEntry, "_ETHREAD", {"ThreadListEntry"}},
    {KernelField::PcrIrql, "_KPCR", {"Irql", "CurrentIrql"}},
    {KernelField::PcrPrcb, "_KPCR", {"Prcb", "PrcbData"}},
    {KernelField::PrcbCurrentThread, "_KPRCB", {"CurrentThread"}},
    {KernelField::PrcbNumber, "_KPRCB", {"Number"}},
};

}  // namespace

Result<OffsetMap> kernel_offsets_from_pdb(Pdb& pdb, const std::string& pdb_name, std::vector<Warning>* warnings) {
  const std::vector<std::string> wanted = {"_EPROCESS", "_KPROCESS", "_ETHREAD", "_KTHREAD", "_KPRCB", "_KPCR",
                                           "_KAPC_STATE", "_SE_AUDIT_PROCESS_CREATION_INFO"};
  auto types = PdbTypes::read(pdb, wanted);
  if (!types) return types.error();
  OffsetMap out(OffsetOrigin::Pdb, "pdb: " + pdb_name);
  for (const FieldPath& f : kFieldPaths) {
    for (const char* path : f.paths) {
      auto off = types->offset_of(f.structure, path);
      if (!off || *off > UINT32_MAX) continue;
      if (f.field == KernelField::ProcessSessionId) {
        auto ms = types->members(*types->definition("_EPROCESS"));
        auto m = std::find_if(ms->begin(), ms->end(), [](const PdbMember& x) { return x.name == "Session"; });
        if (types->aggregate_name(m->type, true) != "_MM_SESSION_SPACE") break;  // 24H2: a PSP_SESSION_SPACE
      }
      out.set(f.field, static_cast<uint32_t>(*off));
      break;
    }
  }
  if (warnings) warnings->insert(warnings->end(), types->warnings().begin(), types->warnings().end());
  return out;
}

}  // namespace kdmp
