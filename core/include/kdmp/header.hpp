// The dump header: PAGEDU64 (0x2000 bytes) or PAGEDUMP (0x1000 bytes), every field read at its named offset.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kdmp/result.hpp"
#include "kdmp/source.hpp"

namespace kdmp {

inline constexpr uint32_t kSignaturePage = 0x45474150;  // "PAGE"
inline constexpr uint32_t kValidDump64 = 0x34365544;    // "DU64"
inline constexpr uint32_t kValidDump32 = 0x504d5544;    // "DUMP"
inline constexpr uint32_t kSignatureMdmp = 0x504d444d;  // "MDMP" (user-mode minidump)
inline constexpr uint32_t kPageFill = 0x45474150;       // unused fields are often filled with "PAGE"
inline constexpr uint64_t kPageFill64 = 0x4547415045474150;

inline constexpr uint64_t kHeaderSize64 = 0x2000;
inline constexpr uint64_t kHeaderSize32 = 0x1000;

enum class DumpType : uint32_t {
  Full = 1,
  Kernel = 2,  // old kernel dump: not supported
  Triage = 4,
  BitmapFull = 5,
  BitmapKernel = 6,
  KernelMemory = 8,
  KernelAndUserMemory = 9,
  CompleteMemory = 0xA,
};

enum class Machine : uint32_t { I386 = 0x14c, Arm = 0x1c4, Amd64 = 0x8664, Arm64 = 0xAA64 };  // Arm: ARMNT, Thumb-2

const char* dump_type_name(uint32_t dump_type);  // "Full", "Bitmap kernel", ...; "Unknown" otherwise
const char* machine_name(uint32_t machine);       // "AMD64", "ARM64", "x86", "ARM"; "Unknown" otherwise
bool is_known_dump_type(uint32_t dump_type);

// One header field, for the viewer's header panel and the file view's highlighting.
struct HeaderFieldInfo {
  const char* name;
  uint32_t offset;
  uint32_t size;
};
const std::vector<HeaderFieldInfo>& header_fields(bool is64);

struct DumpHeader {
  bool is64 = true;
  uint32_t signature = 0;
  uint32_t valid_dump = 0;
  uint32_t major_version = 0;
  uint32_t minor_version = 0;
  uint64_t directory_table_base = 0;
  uint64_t pfn_database = 0;
  uint64_t ps_loaded_module_list = 0;
  uint64_t ps_active_process_head = 0;
  uint32_t machine_image_type = 0;
  uint32_t number_processors = 0;
  uint32_t bugcheck_code = 0;
  std::array<uint64_t, 4> bugcheck_parameters{};
  uint64_t kd_debugger_data_block = 0;
  bool pae_enabled = false;  // 32-bit only
  uint32_t dump_type = 0;
  uint64_t required_dump_space = 0;
  uint64_t system_time = 0;      // FILETIME
  uint64_t system_up_time = 0;   // 100 ns units
  std::string comment;           // printable ASCII prefix of the comment field
  uint32_t mini_dump_fields = 0;
  uint32_t secondary_data_state = 0;
  uint32_t product_type = 0;
  uint32_t suite_mask = 0;
  uint32_t writer_status = 0;
  uint8_t kd_secondary_version = 0;
  uint32_t attributes = 0;
  uint32_t boot_id = 0;

  // Where the variable parts live in the file (they are read by their own parsers).
  uint64_t physical_memory_block_offset = 0;  // 0x88 (64) or 0x64 (32)
  uint64_t context_offset = 0;                // 0x348 or 0x320
  uint64_t exception_offset = 0;              // 0xf00 or 0x7d0
  uint64_t header_size = 0;                   // 0x2000 or 0x1000
  std::vector<uint8_t> raw;                   // the whole header, for context/exception/run-list parsing
};

// Reads and checks the header: a PAGE signature, DU64 or DUMP, a known dump type.
Result<DumpHeader> read_header(ByteSource& source);

}  // namespace kdmp
