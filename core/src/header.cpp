#include "kdmp/header.hpp"

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

// 64-bit header (DUMP_HEADER64) field offsets.
namespace h64 {
constexpr size_t kSignature = 0x000, kValidDump = 0x004, kMajor = 0x008, kMinor = 0x00c, kDtb = 0x010,
                 kPfnDb = 0x018, kPsLoadedModuleList = 0x020, kPsActiveProcessHead = 0x028, kMachine = 0x030,
                 kNumberProcessors = 0x034, kBugCheckCode = 0x038, kBugCheckParameters = 0x040,
                 kKdDebuggerDataBlock = 0x080, kPhysicalMemoryBlock = 0x088, kContext = 0x348,
                 kException = 0xf00, kDumpType = 0xf98, kRequiredDumpSpace = 0xfa0, kSystemTime = 0xfa8,
                 kComment = 0xfb0, kSystemUpTime = 0x1030, kMiniDumpFields = 0x1038, kSecondaryDataState = 0x103c,
                 kProductType = 0x1040, kSuiteMask = 0x1044, kWriterStatus = 0x1048, kKdSecondaryVersion = 0x104d,
                 kAttributes = 0x1050, kBootId = 0x1054;
}  // namespace h64

// 32-bit header (DUMP_HEADER32) field offsets.
namespace h32 {
constexpr size_t kSignature = 0x000, kValidDump = 0x004, kMajor = 0x008, kMinor = 0x00c, kDtb = 0x010,
                 kPfnDb = 0x014, kPsLoadedModuleList = 0x018, kPsActiveProcessHead = 0x01c, kMachine = 0x020,
                 kNumberProcessors = 0x024, kBugCheckCode = 0x028, kBugCheckParameters = 0x02c,
                 kPaeEnabled = 0x05c, kKdSecondaryVersion = 0x05d, kKdDebuggerDataBlock = 0x060,
                 kPhysicalMemoryBlock = 0x064, kContext = 0x320, kException = 0x7d0, kComment = 0x820,
                 kDumpType = 0xf88, kMiniDumpFields = 0xf8c, kSecondaryDataState = 0xf90, kProductType = 0xf94,
                 kSuiteMask = 0xf98, kWriterStatus = 0xf9c, kRequiredDumpSpace = 0xfa0, kSystemUpTime = 0xfb8,
                 kSystemTime = 0xfc0;
}  // namespace h32

constexpr size_t kCommentSize = 128;

std::string read_comment(std::span<const uint8_t> b, size_t off) {
  std::string out;
  for (size_t i = 0; i < kCommentSize && off + i < b.size(); ++i) {
    const uint8_t c = b[off + i];
    if (c == 0 || c < 0x20 || c > 0x7e) break;
    out.push_back(static_cast<char>(c));
  }
  if (out.rfind("PAGEPAGE", 0) == 0) return {};  // never written: PAGE-filled
  return out;
}

void parse64(std::span<const uint8_t> b, DumpHeader& h) {
  using namespace h64;
  h.is64 = true;
  h.major_version = le::u32(b, kMajor);
  h.minor_version = le::u32(b, kMinor);
  h.directory_table_base = le::u64(b, kDtb);
  h.pfn_database = le::u64(b, kPfnDb);
  h.ps_loaded_module_list = le::u64(b, kPsLoadedModuleList);
  h.ps_active_process_head = le::u64(b, kPsActiveProcessHead);
  h.machine_image_type = le::u32(b, kMachine);
  h.number_processors = le::u32(b, kNumberProcessors);
  h.bugcheck_code = le::u32(b, kBugCheckCode);
  for (size_t i = 0; i < 4; ++i) h.bugcheck_parameters[i] = le::u64(b, kBugCheckParameters + 8 * i);
  h.kd_debugger_data_block = le::u64(b, kKdDebuggerDataBlock);
  h.dump_type = le::u32(b, kDumpType);
  h.required_dump_space = le::u64(b, kRequiredDumpSpace);
  h.system_time = le::u64(b, kSystemTime);
  h.comment = read_comment(b, kComment);
  h.system_up_time = le::u64(b, kSystemUpTime);
  h.mini_dump_fields = le::u32(b, kMiniDumpFields);
  h.secondary_data_state = le::u32(b, kSecondaryDataState);
  h.product_type = le::u32(b, kProductType);
  h.suite_mask = le::u32(b, kSuiteMask);
  h.writer_status = le::u32(b, kWriterStatus);
  h.kd_secondary_version = le::u8(b, kKdSecondaryVersion);
  h.attributes = le::u32(b, kAttributes);
  h.boot_id = le::u32(b, kBootId);
  h.physical_memory_block_offset = kPhysicalMemoryBlock;
  h.context_offset = kContext;
  h.exception_offset = kException;
  h.header_size = kHeaderSize64;
}

void parse32(std::span<const uint8_t> b, DumpHeader& h) {
  using namespace h32;
  h.is64 = false;
  h.major_version = le::u32(b, kMajor);
  h.minor_version = le::u32(b, kMinor);
  h.directory_table_base = le::u32(b, kDtb);
  h.pfn_database = le::u32(b, kPfnDb);
  h.ps_loaded_module_list = le::u32(b, kPsLoadedModuleList);
  h.ps_active_process_head = le::u32(b, kPsActiveProcessHead);
  h.machine_image_type = le::u32(b, kMachine);
  h.number_processors = le::u32(b, kNumberProcessors);
  h.bugcheck_code = le::u32(b, kBugCheckCode);
  for (size_t i = 0; i < 4; ++i) h.bugcheck_parameters[i] = le::u32(b, kBugCheckParameters + 4 * i);
  h.pae_enabled = le::u8(b, kPaeEnabled) != 0;
  h.kd_secondary_version = le::u8(b, kKdSecondaryVersion);
  h.kd_debugger_data_block = le::u32(b, kKdDebuggerDataBlock);
  h.dump_type = le::u32(b, kDumpType);
  h.mini_dump_fields = le::u32(b, kMiniDumpFields);
  h.secondary_data_state = le::u32(b, kSecondaryDataState);
  h.product_type = le::u32(b, kProductType);
  h.suite_mask = le::u32(b, kSuiteMask);
  h.writer_status = le::u32(b, kWriterStatus);
  h.required_dump_space = le::u64(b, kRequiredDumpSpace);
  h.system_up_time = le::u64(b, kSystemUpTime);
  h.system_time = le::u64(b, kSystemTime);
  h.comment = read_comment(b, kComment);
  h.physical_memory_block_offset = kPhysicalMemoryBlock;
  h.context_offset = kContext;
  h.exception_offset = kException;
  h.header_size = kHeaderSize32;
}

}  // namespace

const char* dump_type_name(uint32_t t) {
  switch (t) {
    case 1: return "Full";
    case 2: return "Kernel (old)";
    case 4: return "Triage (minidump)";
    case 5: return "Bitmap full";
    case 6: return "Bitmap kernel";
    case 8: return "Kernel memory";
    case 9: return "Kernel and user memory";
    case 0xA: return "Complete memory";
    default: return "Unknown";
  }
}

bool is_known_dump_type(uint32_t t) { return std::string(dump_type_name(t)) != "Unknown"; }

const char* machine_name(uint32_t m) {
  switch (m) {
    case 0x8664: return "AMD64";
    case 0xAA64: return "ARM64";
    case 0x14c: return "x86";
    case 0x1c4: return "ARM";
    default: return "Unknown";
  }
}

const std::vector<HeaderFieldInfo>& header_fields(bool is64) {
  static const std::vector<HeaderFieldInfo> k64 = {
      {"Signature", 0x000, 4}, {"ValidDump", 0x004, 4}, {"MajorVersion", 0x008, 4}, {"MinorVersion", 0x00c, 4},
      {"DirectoryTableBase", 0x010, 8}, {"PfnDataBase", 0x018, 8}, {"PsLoadedModuleList", 0x020, 8},
      {"PsActiveProcessHead", 0x028, 8}, {"MachineImageType", 0x030, 4}, {"NumberProcessors", 0x034, 4},
      {"BugCheckCode", 0x038, 4}, {"BugCheckParameter1", 0x040, 8}, {"BugCheckParameter2", 0x048, 8},
      {"BugCheckParameter3", 0x050, 8}, {"BugCheckParameter4", 0x058, 8}, {"VersionUser", 0x060, 32},
      {"KdDebuggerDataBlock", 0x080, 8}, {"PhysicalMemoryBlock", 0x088, 700}, {"ContextRecord", 0x348, 3000},
      {"Exception", 0xf00, 0x98}, {"DumpType", 0xf98, 4}, {"RequiredDumpSpace", 0xfa0, 8},
      {"SystemTime", 0xfa8, 8}, {"Comment", 0xfb0, 128}, {"SystemUpTime", 0x1030, 8},
      {"MiniDumpFields", 0x1038, 4}, {"SecondaryDataState", 0x103c, 4}, {"ProductType", 0x1040, 4},
      {"SuiteMask", 0x1044, 4}, {"WriterStatus", 0x1048, 4}, {"KdSecondaryVersion", 0x104d, 1},
      {"Attributes", 0x1050, 4}, {"BootId", 0x1054, 4}};
  static const std::vector<HeaderFieldInfo> k32 = {
      {"Signature", 0x000, 4}, {"ValidDump", 0x004, 4}, {"MajorVersion", 0x008, 4}, {"MinorVersion", 0x00c, 4},
      {"DirectoryTableBase", 0x010, 4}, {"PfnDataBase", 0x014, 4}, {"PsLoadedModuleList", 0x018, 4},
      {"PsActiveProcessHead", 0x01c, 4}, {"MachineImageType", 0x020, 4}, {"NumberProcessors", 0x024, 4},
      {"BugCheckCode", 0x028, 4}, {"BugCheckParameter1", 0x02c, 4}, {"BugCheckParameter2", 0x030, 4},
      {"BugCheckParameter3", 0x034, 4}, {"BugCheckParameter4", 0x038, 4}, {"VersionUser", 0x03c, 32},
      {"PaeEnabled", 0x05c, 1}, {"KdSecondaryVersion", 0x05d, 1}, {"KdDebuggerDataBlock", 0x060, 4},
      {"PhysicalMemoryBlock", 0x064, 700}, {"ContextRecord", 0x320, 1200}, {"Exception", 0x7d0, 0x50},
      {"Comment", 0x820, 128}, {"DumpType", 0xf88, 4}, {"MiniDumpFields", 0xf8c, 4},
      {"SecondaryDataState", 0xf90, 4}, {"ProductType", 0xf94, 4}, {"SuiteMask", 0xf98, 4},
      {"WriterStatus", 0xf9c, 4}, {"RequiredDumpSpace", 0xfa0, 8}, {"SystemUpTime", 0xfb8, 8},
      {"SystemTime", 0xfc0, 8}};
  return is64 ? k64 : k32;
}

namespace {
// Four signature bytes as a reader compares them with the expected text: "66 36 cb 0e ('f6..')".
std::string describe_signature(const uint8_t* bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex_part, text;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) hex_part += ' ';
    hex_part += kDigits[bytes[i] >> 4];
    hex_part += kDigits[bytes[i] & 0xf];
    text += (bytes[i] >= 0x20 && bytes[i] < 0x7f) ? static_cast<char>(bytes[i]) : '.';
  }
  return hex_part + " ('" + text + "')";
}
}  // namespace

Result<DumpHeader> read_header(ByteSource& source) {
  const uint64_t file_size = source.size();
  uint8_t sig[8] = {};
  if (file_size < 8) {
    return make_error(ErrorCode::FileTooSmall,
                      "file is " + std::to_string(file_size) + " bytes: too small to be a crash dump", file_size);
  }
  auto st = read_exact(source, 0, sig);
  if (!st.ok()) return st.error();
  // Both layouts start with the same two words: which of them follows depends on the second.
  static_assert(h32::kSignature == h64::kSignature && h32::kValidDump == h64::kValidDump);
  const uint32_t signature = le::u32(sig, h64::kSignature);
  const uint32_t valid = le::u32(sig, h64::kValidDump);
  if (signature == kSignatureMdmp) {
    return make_error(ErrorCode::UserModeMinidump,
                      "this is a user-mode minidump (MDMP signature at offset 0x0), not a kernel crash dump; "
                      "open it with WinDbg or a user-mode minidump reader",
                      0);
  }
  if (signature != kSignaturePage) {
    return make_error(ErrorCode::NotADump,
                      "not a Windows kernel crash dump: expected signature 'PAGE' at offset 0x0, found " +
                          describe_signature(sig + h64::kSignature),
                      0);
  }
  bool is64;
  if (valid == kValidDump64) {
    is64 = true;
  } else if (valid == kValidDump32) {
    is64 = false;
  } else {
    return make_error(ErrorCode::NotADump,
                      "not a Windows kernel crash dump: expected 'DU64' or 'DUMP' at offset 0x4, found " +
                          describe_signature(sig + h64::kValidDump),
                      4);
  }
  const uint64_t header_size = is64 ? kHeaderSize64 : kHeaderSize32;
  if (file_size < header_size) {
    return make_error(ErrorCode::FileTooSmall,
                      std::string("file is ") + hex(file_size) + " bytes, shorter than its " +
                          (is64 ? "64" : "32") + "-bit header (" + hex(header_size) + " bytes)",
                      file_size);
  }
  DumpHeader h;
  h.raw.resize(header_size);
  st = read_exact(source, 0, h.raw);
  if (!st.ok()) return st.error();
  h.signature = signature;
  h.valid_dump = valid;
  if (is64) {
    parse64(h.raw, h);
  } else {
    parse32(h.raw, h);
  }
  const uint64_t dump_type_offset = is64 ? h64::kDumpType : h32::kDumpType;
  if (!is_known_dump_type(h.dump_type)) {
    return make_error(ErrorCode::UnknownDumpType,
                      "unknown dump type " + hex(h.dump_type) + " at offset " + hex(dump_type_offset),
                      dump_type_offset);
  }
  if (h.dump_type == static_cast<uint32_t>(DumpType::Kernel)) {
    return make_error(ErrorCode::UnsupportedDumpType,
                      "dump type 2 (old-style kernel dump) at offset " + hex(dump_type_offset) + " is not supported",
                      dump_type_offset);
  }
  return h;
}

}  // namespace kdmp
