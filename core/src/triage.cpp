// The triage header (TRIAGE_DUMP64 at 0x2000, TRIAGE_DUMP32 at 0x1000), its validity marker, the saved blobs
// (KPRCB, ETHREAD, EPROCESS, Mm information, the KDBG copy), and the order in which the other parts are read.
#include <algorithm>

#include "kdmp/le.hpp"
#include "triage_internal.hpp"

namespace kdmp {

namespace {

struct FieldSpec {
  TriageField field;
  const char* name;
  uint32_t rel64, size64;
  uint32_t rel32, size32;  // size32 0: not in TRIAGE_DUMP32
};

// TRIAGE_DUMP64 and TRIAGE_DUMP32 (ntiodump.h): the same u32 fields up to TriageOptions; then TopOfStack is a pointer,
// TRIAGE_DUMP64 has a 16-byte IA64 union, and the data page address is a pointer.
constexpr FieldSpec kFields[] = {
    {TriageField::ServicePackBuild, "ServicePackBuild", 0x00, 4, 0x00, 4},
    {TriageField::SizeOfDump, "SizeOfDump", 0x04, 4, 0x04, 4},
    {TriageField::ValidOffset, "ValidOffset", 0x08, 4, 0x08, 4},
    {TriageField::ContextOffset, "ContextOffset", 0x0c, 4, 0x0c, 4},
    {TriageField::ExceptionOffset, "ExceptionOffset", 0x10, 4, 0x10, 4},
    {TriageField::MmOffset, "MmOffset", 0x14, 4, 0x14, 4},
    {TriageField::UnloadedDriversOffset, "UnloadedDriversOffset", 0x18, 4, 0x18, 4},
    {TriageField::PrcbOffset, "PrcbOffset", 0x1c, 4, 0x1c, 4},
    {TriageField::ProcessOffset, "ProcessOffset", 0x20, 4, 0x20, 4},
    {TriageField::ThreadOffset, "ThreadOffset", 0x24, 4, 0x24, 4},
    {TriageField::CallStackOffset, "CallStackOffset", 0x28, 4, 0x28, 4},
    {TriageField::SizeOfCallStack, "SizeOfCallStack", 0x2c, 4, 0x2c, 4},
    {TriageField::DriverListOffset, "DriverListOffset", 0x30, 4, 0x30, 4},
    {TriageField::DriverCount, "DriverCount", 0x34, 4, 0x34, 4},
    {TriageField::StringPoolOffset, "StringPoolOffset", 0x38, 4, 0x38, 4},
    {TriageField::StringPoolSize, "StringPoolSize", 0x3c, 4, 0x3c, 4},
    {TriageField::BrokenDriverOffset, "BrokenDriverOffset", 0x40, 4, 0x40, 4},
    {TriageField::TriageOptions, "TriageOptions", 0x44, 4, 0x44, 4},
    {TriageField::TopOfStack, "TopOfStack", 0x48, 8, 0x48, 4},
    {TriageField::ArchitectureSpecific, "ArchitectureSpecific", 0x50, 16, 0, 0},
    {TriageField::DataPageAddress, "DataPageAddress", 0x60, 8, 0x4c, 4},
    {TriageField::DataPageOffset, "DataPageOffset", 0x68, 4, 0x50, 4},
    {TriageField::DataPageSize, "DataPageSize", 0x6c, 4, 0x54, 4},
    {TriageField::DebuggerDataOffset, "DebuggerDataOffset", 0x70, 4, 0x58, 4},
    {TriageField::DebuggerDataSize, "DebuggerDataSize", 0x74, 4, 0x5c, 4},
    {TriageField::DataBlocksOffset, "DataBlocksOffset", 0x78, 4, 0x60, 4},
    {TriageField::DataBlocksCount, "DataBlocksCount", 0x7c, 4, 0x64, 4},
};

const FieldSpec& spec(TriageField field) { return kFields[static_cast<size_t>(field)]; }

uint64_t triage_base(bool is64) { return is64 ? kHeaderSize64 : kHeaderSize32; }

// The KDBG copy is a few hundred bytes (0x340-0x400 in practice): refuse to load a claimed giant.
constexpr uint32_t kMaxDebuggerDataSize = 0x10000;
// DUMP_MM_STORAGE: {Version u32, Size u32, ...}.
constexpr size_t kMmVersion = 0x0, kMmSize = 0x4;

void read_header_fields(std::span<const uint8_t> b, bool is64, TriageHeader& h) {
  auto get = [&](TriageField f) -> uint64_t {
    const FieldSpec& s = spec(f);
    const uint32_t rel = is64 ? s.rel64 : s.rel32;
    const uint32_t size = is64 ? s.size64 : s.size32;
    return size == 8 ? le::u64(b, rel) : le::u32(b, rel);
  };
  auto get32 = [&](TriageField f) { return static_cast<uint32_t>(get(f)); };
  h.service_pack_build = get32(TriageField::ServicePackBuild);
  h.size_of_dump = get32(TriageField::SizeOfDump);
  h.valid_offset = get32(TriageField::ValidOffset);
  h.context_offset = get32(TriageField::ContextOffset);
  h.exception_offset = get32(TriageField::ExceptionOffset);
  h.mm_offset = get32(TriageField::MmOffset);
  h.unloaded_drivers_offset = get32(TriageField::UnloadedDriversOffset);
  h.prcb_offset = get32(TriageField::PrcbOffset);
  h.process_offset = get32(TriageField::ProcessOffset);
  h.thread_offset = get32(TriageField::ThreadOffset);
  h.call_stack_offset = get32(TriageField::CallStackOffset);
  h.size_of_call_stack = get32(TriageField::SizeOfCallStack);
  h.driver_list_offset = get32(TriageField::DriverListOffset);
  h.driver_count = get32(TriageField::DriverCount);
  h.string_pool_offset = get32(TriageField::StringPoolOffset);
  h.string_pool_size = get32(TriageField::StringPoolSize);
  h.broken_driver_offset = get32(TriageField::BrokenDriverOffset);
  h.triage_options = get32(TriageField::TriageOptions);
  h.top_of_stack = get(TriageField::TopOfStack);
  if (is64) {
    const uint32_t rel = spec(TriageField::ArchitectureSpecific).rel64;
    std::copy_n(b.begin() + rel, h.architecture_specific.size(), h.architecture_specific.begin());
  }
  h.data_page_address = get(TriageField::DataPageAddress);
  h.data_page_offset = get32(TriageField::DataPageOffset);
  h.data_page_size = get32(TriageField::DataPageSize);
  h.debugger_data_offset = get32(TriageField::DebuggerDataOffset);
  h.debugger_data_size = get32(TriageField::DebuggerDataSize);
  h.data_blocks_offset = get32(TriageField::DataBlocksOffset);
  h.data_blocks_count = get32(TriageField::DataBlocksCount);
}

using triage::Parse;

// SizeOfDump and the TRGD marker the kernel writes last, at ValidOffset (= SizeOfDump - 4).
void check_validity(Parse& p) {
  const TriageHeader& h = p.out.header;
  if (h.size_of_dump > p.file_size) {
    p.warn("triage-truncated", p.field_ref(TriageField::SizeOfDump, h.size_of_dump) + " but the file is only " +
                                   hex(p.file_size) + " bytes: the dump was cut short and its tail is missing");
  }
  if (!p.check_in_file(TriageField::ValidOffset, h.valid_offset, 4, "the TRGD validity marker")) return;
  uint8_t marker[4];
  if (!p.read(h.valid_offset, marker, "the TRGD validity marker")) return;
  const uint32_t value = le::u32(marker, 0);
  p.out.valid = value == kTriageValid;
  if (!p.out.valid) {
    p.warn("triage-not-valid", p.field_ref(TriageField::ValidOffset, h.valid_offset) + ": the u32 there is " +
                                   hex(value) + ", not TRGD (0x44475254): Windows did not finish writing the dump");
  }
}

// ContextOffset and ExceptionOffset point into the dump header; kdmpview decodes the header's own records.
void check_header_record(Parse& p, TriageField field, uint32_t value, uint64_t expected, const char* what) {
  if (value == 0 || value == expected) return;
  if (!p.check_in_file(field, value, 1, what)) return;
  p.warn("triage-record-offset", p.field_ref(field, value) + " but the dump header's " + what + " is at " +
                                     hex(expected) + ": kdmpview decodes the header's");
}

void load_debugger_data(Parse& p) {
  const TriageHeader& h = p.out.header;
  if (h.debugger_data_offset == 0 || h.debugger_data_size == 0) return;
  if (h.debugger_data_size > kMaxDebuggerDataSize) {
    p.warn("triage-too-large", p.field_ref(TriageField::DebuggerDataSize, h.debugger_data_size) +
                                   ": larger than any KDDEBUGGER_DATA64 (at most " + hex(kMaxDebuggerDataSize) +
                                   " bytes accepted); the KDBG copy is skipped");
    return;
  }
  if (!p.check_in_file(TriageField::DebuggerDataOffset, h.debugger_data_offset, h.debugger_data_size,
                       "the KDBG copy")) {
    return;
  }
  std::vector<uint8_t> bytes(h.debugger_data_size);
  if (!p.read(h.debugger_data_offset, bytes, "the KDBG copy")) return;
  p.out.debugger_data_offset = FileOffset(h.debugger_data_offset);
  p.out.debugger_data = std::move(bytes);
}

void add_blob(Parse& p, const char* name, TriageField field, uint32_t offset, uint64_t size) {
  if (offset == 0) return;
  if (!p.check_in_file(field, offset, std::max<uint64_t>(size, 1), std::string("the ") + name + " copy")) return;
  p.out.blobs.push_back(TriageBlob{name, field, FileOffset(offset), size, std::nullopt});
}

void collect_blobs(Parse& p) {
  namespace k = triage::kdbg;
  const TriageHeader& h = p.out.header;
  // The structure sizes come from the KDBG copy; without it the blobs' sizes are unknown (0).
  add_blob(p, "KPRCB", TriageField::PrcbOffset, h.prcb_offset, triage::kdbg_field(p.out, k::kSizePrcb));
  add_blob(p, "EPROCESS", TriageField::ProcessOffset, h.process_offset, triage::kdbg_field(p.out, k::kSizeEProcess));
  add_blob(p, "ETHREAD", TriageField::ThreadOffset, h.thread_offset, triage::kdbg_field(p.out, k::kSizeEThread));
  if (h.mm_offset != 0 && p.check_in_file(TriageField::MmOffset, h.mm_offset, 8, "the Mm information")) {
    uint8_t head[8];
    if (!p.read(h.mm_offset, head, "the Mm information")) return;
    // DUMP_MM_STORAGE says its own size; trust it only when it stays in the file.
    const uint32_t size = le::u32(head, kMmSize);
    const bool sane = le::u32(head, kMmVersion) != 0 && size >= 8 && h.mm_offset + uint64_t{size} <= p.file_size;
    p.out.blobs.push_back(
        TriageBlob{"Mm information", TriageField::MmOffset, FileOffset(h.mm_offset), sane ? size : 0, std::nullopt});
  }
}

}  // namespace

namespace triage {

uint16_t kdbg_field(const TriageDump& triage, size_t offset) {
  const auto& k = triage.debugger_data;
  return k.size() >= kdbg::kEnd ? le::u16(k, offset) : 0;
}

std::string Parse::field_ref(TriageField field, uint64_t value) const {
  return std::string(triage_field_name(field)) + " (at " + hex(triage_field_info(field, is64).offset) + ") = " +
         hex(value);
}

bool Parse::check_in_file(TriageField field, uint64_t offset, uint64_t size, const std::string& what) {
  if (offset <= file_size && size <= file_size - offset) return true;
  const std::string where = what + " (" + hex(size) + " bytes at " + hex(offset) + ")";
  const char* verb = offset >= file_size ? " lies past the end of the file (" : " runs past the end of the file (";
  warn("triage-out-of-file", field_ref(field, offset) + ": " + where + verb + hex(file_size) + " bytes); it is skipped");
  return false;
}

bool Parse::read(uint64_t offset, std::span<uint8_t> bytes, const std::string& what) {
  if (bytes.empty()) return true;  // an empty name: nothing to read (and no null buffer for the source)
  auto status = read_exact(file, offset, bytes);
  if (status.ok()) return true;
  warn("triage-read-failed", "reading " + what + " at " + hex(offset) + " failed: " + status.error().message);
  return false;
}

}  // namespace triage

const char* triage_field_name(TriageField field) { return spec(field).name; }

HeaderFieldInfo triage_field_info(TriageField field, bool is64) {
  const FieldSpec& s = spec(field);
  const uint64_t base = triage_base(is64);
  return is64 ? HeaderFieldInfo{s.name, static_cast<uint32_t>(base + s.rel64), s.size64}
              : HeaderFieldInfo{s.name, static_cast<uint32_t>(base + s.rel32), s.size32};
}

const std::vector<HeaderFieldInfo>& triage_fields(bool is64) {
  static const auto build = [](bool wide) {
    std::vector<HeaderFieldInfo> fields;
    for (const FieldSpec& s : kFields) {
      const HeaderFieldInfo info = triage_field_info(s.field, wide);
      if (info.size != 0) fields.push_back(info);
    }
    return fields;
  };
  static const std::vector<HeaderFieldInfo> fields64 = build(true);
  static const std::vector<HeaderFieldInfo> fields32 = build(false);
  return is64 ? fields64 : fields32;
}

Result<TriageDump> parse_triage(ByteSource& file, const DumpHeader& header) {
  if (header.dump_type != static_cast<uint32_t>(DumpType::Triage)) {
    return make_error(ErrorCode::InvalidArgument,
                      "not a triage dump: DumpType is " + hex(header.dump_type) + ", a triage dump has 4");
  }
  TriageDump out;
  out.is64 = header.is64;
  const uint64_t base = triage_base(header.is64);
  const uint64_t size = header.is64 ? kTriageHeaderSize64 : kTriageHeaderSize32;
  const char* name = header.is64 ? "TRIAGE_DUMP64" : "TRIAGE_DUMP32";
  std::vector<uint8_t> bytes(size);
  auto got = file.read(base, bytes);
  if (!got.ok()) return got.error();
  if (*got != size) {
    return make_error(ErrorCode::BadTriage,
                      std::string("the file ends at ") + hex(file.size()) + ", inside the triage header (" + name +
                          ", " + hex(size) + " bytes at " + hex(base) + ")",
                      base + *got);
  }
  out.header.offset = base;
  read_header_fields(bytes, header.is64, out.header);
  const uint32_t options = out.header.triage_options;
  out.overflowed = options != 0xffffffff && (options & kTriageOptionOverflowed) != 0;

  triage::Parse p{file, file.size(), header.is64, header, out};
  check_validity(p);
  check_header_record(p, TriageField::ContextOffset, out.header.context_offset, header.context_offset,
                      "context record");
  check_header_record(p, TriageField::ExceptionOffset, out.header.exception_offset, header.exception_offset,
                      "exception record");
  if (out.header.string_pool_offset != 0) {
    p.check_in_file(TriageField::StringPoolOffset, out.header.string_pool_offset, out.header.string_pool_size,
                    "the string pool");
  }
  load_debugger_data(p);
  collect_blobs(p);
  triage::parse_drivers(p);
  triage::parse_unloaded_drivers(p);
  triage::parse_broken_driver(p);
  triage::parse_data_blocks(p);
  triage::build_regions(p);
  triage::parse_secondary_data(p);
  return out;
}

}  // namespace kdmp
