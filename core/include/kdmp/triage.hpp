// Triage dumps (DumpType 4, the small dumps in C:\Windows\Minidump): the TRIAGE_DUMP64 (at 0x2000) or TRIAGE_DUMP32
// (at 0x1000) header, the loaded and unloaded driver lists, and the few stretches of virtual memory the kernel saved
// (the crashing thread's stack, a data page, data blocks, the KDBG copy). A triage dump holds no physical memory:
// TriageMemory serves virtual reads straight from those saved regions.
//
// Layouts as Windows writes them (ntiodump.h, the WRK's IopWriteTriageDump/IopWriteDriverList and
// MmWriteUnloadedDriverInformation, dbgeng's triage reader), checked against two real Windows 10/11 minidumps
// (tests/core/test_real_dumps.cpp): every *Offset is a file offset; a bad one costs that part only, with a warning
// naming the field, never the whole dump.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kdmp/address.hpp"
#include "kdmp/header.hpp"
#include "kdmp/result.hpp"
#include "kdmp/source.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

inline constexpr uint32_t kTriageValid = 0x44475254;           // "TRGD" at ValidOffset in a complete dump
inline constexpr uint32_t kTriageOptionOverflowed = 0x100;     // some sections did not fit and were left out
inline constexpr uint64_t kTriageHeaderSize64 = 0x80;          // TRIAGE_DUMP64
inline constexpr uint64_t kTriageHeaderSize32 = 0x68;          // TRIAGE_DUMP32
inline constexpr uint64_t kDriverEntrySize64 = 0x90;           // DUMP_DRIVER_ENTRY64: 8 + KLDR_DATA_TABLE_ENTRY64
inline constexpr uint64_t kDriverEntrySize32 = 0x4c;           // DUMP_DRIVER_ENTRY32: 4 + KLDR_DATA_TABLE_ENTRY32
inline constexpr uint64_t kUnloadedDriverSize64 = 0x38;        // DUMP_UNLOADED_DRIVERS64
inline constexpr uint64_t kUnloadedDriverSize32 = 0x28;        // DUMP_UNLOADED_DRIVERS32
inline constexpr uint32_t kMaxUnloadedDrivers = 50;            // MI_UNLOADED_DRIVERS: the kernel keeps the last 50
inline constexpr uint64_t kDataBlockSize = 0x10;               // TRIAGE_DATA_BLOCK {Address u64, Offset, Size}
inline constexpr uint32_t kDumpBlobSignature1 = 0x706d7544;    // "Dump": DUMP_BLOB_FILE_HEADER.Signature1
inline constexpr uint32_t kDumpBlobSignature2 = 0x626f6c42;    // "Blob"
inline constexpr uint64_t kDumpBlobFileHeaderSize = 0x10;      // {Signature1, Signature2, HeaderSize, BuildNumber}
inline constexpr uint64_t kDumpBlobHeaderSize = 0x20;          // {HeaderSize, Tag GUID, DataSize, PrePad, PostPad}

// The triage header's fields, in file order. ArchitectureSpecific exists in TRIAGE_DUMP64 only.
enum class TriageField : uint8_t {
  ServicePackBuild,
  SizeOfDump,
  ValidOffset,
  ContextOffset,
  ExceptionOffset,
  MmOffset,
  UnloadedDriversOffset,
  PrcbOffset,
  ProcessOffset,
  ThreadOffset,
  CallStackOffset,
  SizeOfCallStack,
  DriverListOffset,
  DriverCount,
  StringPoolOffset,
  StringPoolSize,
  BrokenDriverOffset,
  TriageOptions,
  TopOfStack,
  ArchitectureSpecific,
  DataPageAddress,
  DataPageOffset,
  DataPageSize,
  DebuggerDataOffset,
  DebuggerDataSize,
  DataBlocksOffset,
  DataBlocksCount,
};

const char* triage_field_name(TriageField field);
// The field's file offset (0x2000 + rel or 0x1000 + rel) and size; size 0 for ArchitectureSpecific in 32-bit dumps.
HeaderFieldInfo triage_field_info(TriageField field, bool is64);
// Every field of the triage header with its file offset, for the viewer's header panel and file-view highlighting.
const std::vector<HeaderFieldInfo>& triage_fields(bool is64);

// TRIAGE_DUMP64 / TRIAGE_DUMP32 as stored. 32-bit values are zero-extended, as in DumpHeader.
struct TriageHeader {
  uint64_t offset = 0;  // file offset of the structure: 0x2000 or 0x1000
  uint32_t service_pack_build = 0;
  uint32_t size_of_dump = 0;
  uint32_t valid_offset = 0;
  uint32_t context_offset = 0;
  uint32_t exception_offset = 0;
  uint32_t mm_offset = 0;
  uint32_t unloaded_drivers_offset = 0;
  uint32_t prcb_offset = 0;
  uint32_t process_offset = 0;
  uint32_t thread_offset = 0;
  uint32_t call_stack_offset = 0;
  uint32_t size_of_call_stack = 0;
  uint32_t driver_list_offset = 0;
  uint32_t driver_count = 0;
  uint32_t string_pool_offset = 0;
  uint32_t string_pool_size = 0;
  uint32_t broken_driver_offset = 0;
  uint32_t triage_options = 0;
  uint64_t top_of_stack = 0;                       // lowest address of the saved stack (the stack pointer)
  std::array<uint8_t, 16> architecture_specific{};  // IA64 backing store; unused elsewhere (64-bit only)
  uint64_t data_page_address = 0;
  uint32_t data_page_offset = 0;
  uint32_t data_page_size = 0;
  uint32_t debugger_data_offset = 0;
  uint32_t debugger_data_size = 0;
  uint32_t data_blocks_offset = 0;
  uint32_t data_blocks_count = 0;
};

// One DUMP_DRIVER_ENTRY: the name from the string pool plus the saved KLDR_DATA_TABLE_ENTRY's fields.
struct TriageDriver {
  uint32_t index = 0;
  uint64_t entry_offset = 0;   // file offset of the DUMP_DRIVER_ENTRY
  uint32_t name_offset = 0;    // DriverNameOffset: file offset of the DUMP_STRING
  std::string name;            // UTF-8, as stored: a full path on Windows 10 and later; empty when the name could
                               // not be read (a warning says why)
  uint64_t base = 0;           // DllBase
  uint64_t entry_point = 0;
  uint32_t size_of_image = 0;  // from the image's PE header at crash time
  uint32_t flags = 0;
  uint16_t load_count = 0;
  uint32_t checksum = 0;
  uint32_t time_date_stamp = 0;
};

// One DUMP_UNLOADED_DRIVERS entry, most recently unloaded first. Windows keeps at most 12 UTF-16 units of the name.
struct TriageUnloadedDriver {
  uint64_t entry_offset = 0;
  std::string name;
  uint64_t start = 0;
  uint64_t end = 0;  // exclusive
};

// What BrokenDriverOffset names. Windows writes 0 here; the format of a non-zero value is undocumented, so kdmpview
// accepts the file offset of a DUMP_DRIVER_ENTRY in the driver list or of a DUMP_STRING, and warns otherwise.
struct TriageBrokenDriver {
  uint32_t offset = 0;
  std::optional<uint32_t> driver_index;
  std::string name;
};

// One TRIAGE_DATA_BLOCK descriptor as stored.
struct TriageDataBlock {
  uint64_t descriptor_offset = 0;
  Gva va;
  FileOffset file_offset;
  uint32_t size = 0;
};

enum class TriageRegionKind : uint8_t { CallStack, DataPage, DataBlock, DebuggerData, Thread, Process };
const char* triage_region_kind_name(TriageRegionKind kind);  // "call stack", "data page", "data block", ...

// A stretch of saved virtual memory and where its bytes are in the file.
struct TriageRegion {
  TriageRegionKind kind = TriageRegionKind::DataBlock;
  uint32_t index = 0;  // the data block's number; 0 for the others
  Gva va;
  uint64_t size = 0;
  FileOffset file_offset;
  Gva end() const { return va + size; }  // exclusive; 0 for a region that ends at 2^64
};

// A structure copied into the dump whose virtual address the file does not say (the PRCB), or says only through
// other structures (the thread and process, via the KDBG's offsets: then `va` is set and a region maps it).
struct TriageBlob {
  std::string name;          // "KPRCB", "ETHREAD", "EPROCESS", "Mm information"
  TriageField field;         // the offset field that locates it
  FileOffset offset;
  uint64_t size = 0;         // 0 when unknown (no KDBG copy to give the structure size)
  std::optional<Gva> va;
};

// One DUMP_BLOB_HEADER of the secondary dump data.
struct TriageSecondaryBlob {
  uint64_t offset = 0;            // file offset of the blob header
  std::array<uint8_t, 16> tag{};  // the GUID as stored (Data1-3 little-endian)
  uint64_t data_offset = 0;       // offset + HeaderSize + PrePad
  uint32_t data_size = 0;
};

// Secondary dump data: what bug check callbacks (KbCallbackSecondaryDumpData) add after the triage dump proper. At
// SizeOfDump: a DUMP_BLOB_FILE_HEADER, then tagged blobs streamed to the end of the file with no overall count,
// each {header, PrePad bytes, DataSize bytes, PostPad bytes}. Real Windows 10/11 minidumps carry tens of them, which
// is why such a file is larger than SizeOfDump.
struct TriageSecondaryData {
  uint64_t offset = 0;  // = SizeOfDump
  uint32_t build_number = 0;
  uint64_t end = 0;  // the end of the last whole blob (the file header's end when there are none)
  std::vector<TriageSecondaryBlob> blobs;
};

struct TriageDump {
  bool is64 = true;
  TriageHeader header;
  bool valid = false;        // TRGD at ValidOffset: the kernel finished writing the dump
  bool overflowed = false;   // TriageOptions says some sections did not fit (0xffffffff, "all", is not overflow)
  std::vector<TriageDriver> drivers;
  std::vector<TriageUnloadedDriver> unloaded_drivers;
  std::optional<TriageBrokenDriver> broken_driver;
  std::vector<TriageDataBlock> data_blocks;
  uint64_t data_block_stride = kDataBlockSize;  // bytes per descriptor: 16, or 12 in rizin-style 32-bit dumps
  // What TriageMemory serves: sorted by address, non-overlapping (where saved regions overlap, the one listed first
  // in kind order wins and a warning names both).
  std::vector<TriageRegion> regions;
  std::vector<TriageBlob> blobs;
  // The decoded KDDEBUGGER_DATA64 copy (DebuggerDataOffset/Size), for the KDBG parser.
  std::optional<FileOffset> debugger_data_offset;
  std::vector<uint8_t> debugger_data;
  std::optional<TriageSecondaryData> secondary_data;  // when a DUMP_BLOB_FILE_HEADER sits at SizeOfDump
  std::vector<Warning> warnings;
};

// Parses the triage part of a DumpType 4 dump. Fails only when the dump is not a triage dump (InvalidArgument) or
// the file ends inside the triage header (BadTriage); everything else is a warning with partial results.
Result<TriageDump> parse_triage(ByteSource& file, const DumpHeader& header);

// Virtual memory of a triage dump: reads are served from the saved regions through the byte source (which must
// outlive this object). A read may span adjacent regions; a byte outside every region fails with NotPresent.
class TriageMemory final : public VirtualMemory {
 public:
  // regions must be sorted and non-overlapping, as parse_triage returns them.
  TriageMemory(ByteSource& file, std::vector<TriageRegion> regions, unsigned pointer_size);
  TriageMemory(ByteSource& file, const TriageDump& triage);

  Status read_virtual_exact(Gva va, std::span<uint8_t> out) override;
  unsigned pointer_size() const override { return pointer_size_; }

  const std::vector<TriageRegion>& regions() const { return regions_; }
  const TriageRegion* find(Gva va) const;  // the region holding va, or nullptr

 private:
  ByteSource& file_;
  std::vector<TriageRegion> regions_;
  unsigned pointer_size_;
};

}  // namespace kdmp
