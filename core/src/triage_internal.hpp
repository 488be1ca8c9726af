// The pieces of the triage parser (header, drivers, regions) share this: the file, the header just read, and the
// warning helpers that name a field and where it sits (internal to the core).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kdmp/triage.hpp"
#include "kdmp/utf16.hpp"

namespace kdmp::triage {

// KDDEBUGGER_DATA64 (wdbgexts.h; the same layout in 32-bit dumps, pointers sign-extended): the structure sizes and
// field offsets that locate the thread and process copies.
namespace kdbg {
constexpr size_t kOffsetKThreadApcProcess = 0x2a0, kSizeEProcess = 0x2a8, kSizePrcb = 0x2b0,
                 kOffsetPrcbCurrentThread = 0x2b4, kSizeEThread = 0x2c0, kEnd = 0x2c2;
}
// A u16 of the KDBG copy; 0 when the copy is missing or too short to hold these fields.
uint16_t kdbg_field(const TriageDump& triage, size_t offset);

struct Parse {
  ByteSource& file;
  uint64_t file_size;
  bool is64;
  const DumpHeader& dump_header;
  TriageDump& out;

  unsigned pointer_size() const { return is64 ? 8 : 4; }
  void warn(std::string code, std::string message) { out.warnings.push_back({std::move(code), std::move(message)}); }
  // "DriverListOffset (at 0x2030) = 0x5000": how messages name a field and its value.
  std::string field_ref(TriageField field, uint64_t value) const;
  // Whether [offset, offset + size) lies in the file. When not, warns (code "triage-out-of-file") naming the field
  // that gave the offset and what is skipped, and returns false.
  bool check_in_file(TriageField field, uint64_t offset, uint64_t size, const std::string& what);
  // Reads [offset, offset + size) (size already checked against the file). An I/O error becomes a warning.
  bool read(uint64_t offset, std::span<uint8_t> bytes, const std::string& what);
};

// The driver list and its string pool, the unloaded drivers, the broken driver.
void parse_drivers(Parse& p);
void parse_unloaded_drivers(Parse& p);
void parse_broken_driver(Parse& p);
// The data block descriptors, the blobs' virtual addresses, and the sorted region map.
void parse_data_blocks(Parse& p);
void build_regions(Parse& p);
// The secondary dump data after SizeOfDump.
void parse_secondary_data(Parse& p);


}  // namespace kdmp::triage
