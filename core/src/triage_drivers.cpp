// The triage dump's driver lists: DUMP_DRIVER_ENTRY records with names in the string pool, the unloaded drivers
// (names stored inline, cut to 12 UTF-16 units by the kernel), and the broken driver.
#include <algorithm>

#include "kdmp/le.hpp"
#include "triage_internal.hpp"

namespace kdmp::triage {

namespace {

// DUMP_DRIVER_ENTRY64: DriverNameOffset u32, 4 bytes of alignment, KLDR_DATA_TABLE_ENTRY64 (0x88 bytes, frozen by
// ntldr.h because dump files use packed arrays of it) at +8.
namespace d64 {
constexpr size_t kNameOffset = 0x00, kDllBase = 0x38, kEntryPoint = 0x40, kSizeOfImage = 0x48, kFlags = 0x70,
                 kLoadCount = 0x74, kCheckSum = 0x80, kTimeDateStamp = 0x88;
}
// DUMP_DRIVER_ENTRY32: DriverNameOffset u32, KLDR_DATA_TABLE_ENTRY32 (0x48 bytes) at +4.
namespace d32 {
constexpr size_t kNameOffset = 0x00, kDllBase = 0x1c, kEntryPoint = 0x20, kSizeOfImage = 0x24, kFlags = 0x38,
                 kLoadCount = 0x3c, kCheckSum = 0x44, kTimeDateStamp = 0x48;
}
// DUMP_UNLOADED_DRIVERS64: UNICODE_STRING64 Name, WCHAR DriverName[12], StartAddress u64, EndAddress u64.
namespace u64e {
constexpr size_t kNameLength = 0x00, kDriverName = 0x10, kStart = 0x28, kEnd = 0x30;
}
// DUMP_UNLOADED_DRIVERS32: UNICODE_STRING32 Name, WCHAR DriverName[12], StartAddress u32, EndAddress u32.
namespace u32e {
constexpr size_t kNameLength = 0x00, kDriverName = 0x08, kStart = 0x20, kEnd = 0x24;
}
constexpr size_t kUnloadedNameBytes = 24;  // MAX_UNLOADED_NAME_LENGTH

// Windows has a few hundred drivers; more than this is a hostile count, not a system.
constexpr uint32_t kMaxDrivers = 16384;
// A UNICODE_STRING holds at most 32767 units; a driver's base name is far shorter.
constexpr uint32_t kMaxNameUnits = 32767;
// Per-entry complaints are capped so a hostile list cannot flood the warnings.
constexpr unsigned kMaxEntryWarnings = 8;

// DUMP_STRING: Length u32 in UTF-16 units (the WRK's IopWriteDriverList stores BaseDllName.Length / 2, and the
// kernel's reader multiplies by sizeof(WCHAR): ntiodump.h's "IN BYTES" comment is wrong), the units, then a NUL.
// Returns the name or, with why set, nullopt.
std::optional<std::string> read_dump_string(Parse& p, uint64_t offset, std::string& why) {
  if (offset > p.file_size || p.file_size - offset < 4) {
    why = "lies past the end of the file (" + hex(p.file_size) + " bytes)";
    return std::nullopt;
  }
  uint8_t head[4];
  if (!p.read(offset, head, "a driver name")) {
    why = "could not be read";
    return std::nullopt;
  }
  uint64_t units = le::u32(head, 0);
  const uint64_t available = (p.file_size - offset - 4) / 2;
  if (units > kMaxNameUnits || units > available) {
    why = "claims " + std::to_string(units) + " UTF-16 units, more than " +
          (units > kMaxNameUnits ? "a name can hold" : "the file holds after it");
    return std::nullopt;
  }
  std::vector<uint8_t> bytes(units * 2);
  if (!p.read(offset + 4, bytes, "a driver name")) {
    why = "could not be read";
    return std::nullopt;
  }
  return utf16le_to_utf8(bytes);
}

TriageDriver decode_driver(std::span<const uint8_t> e, bool is64) {
  TriageDriver d;
  if (is64) {
    d.name_offset = le::u32(e, d64::kNameOffset);
    d.base = le::u64(e, d64::kDllBase);
    d.entry_point = le::u64(e, d64::kEntryPoint);
    d.size_of_image = le::u32(e, d64::kSizeOfImage);
    d.flags = le::u32(e, d64::kFlags);
    d.load_count = le::u16(e, d64::kLoadCount);
    d.checksum = le::u32(e, d64::kCheckSum);
    d.time_date_stamp = le::u32(e, d64::kTimeDateStamp);
  } else {
    d.name_offset = le::u32(e, d32::kNameOffset);
    d.base = le::u32(e, d32::kDllBase);
    d.entry_point = le::u32(e, d32::kEntryPoint);
    d.size_of_image = le::u32(e, d32::kSizeOfImage);
    d.flags = le::u32(e, d32::kFlags);
    d.load_count = le::u16(e, d32::kLoadCount);
    d.checksum = le::u32(e, d32::kCheckSum);
    d.time_date_stamp = le::u32(e, d32::kTimeDateStamp);
  }
  return d;
}

uint64_t driver_entry_size(bool is64) { return is64 ? kDriverEntrySize64 : kDriverEntrySize32; }

}  // namespace

void parse_drivers(Parse& p) {
  const TriageHeader& h = p.out.header;
  if (h.driver_count == 0) return;
  if (h.driver_list_offset == 0) {
    p.warn("triage-out-of-file", p.field_ref(TriageField::DriverCount, h.driver_count) +
                                     " but DriverListOffset is 0: there is no driver list to read");
    return;
  }
  const uint64_t stride = driver_entry_size(p.is64);
  if (!p.check_in_file(TriageField::DriverListOffset, h.driver_list_offset, stride, "the driver list")) return;
  uint64_t count = h.driver_count;
  const uint64_t fit = (p.file_size - h.driver_list_offset) / stride;
  if (count > fit) {
    p.warn("triage-count-capped", p.field_ref(TriageField::DriverCount, count) + ": only " + std::to_string(fit) +
                                      " entries of " + hex(stride) + " bytes fit between DriverListOffset " +
                                      hex(h.driver_list_offset) + " and the end of the file; reading " +
                                      std::to_string(fit));
    count = fit;
  }
  if (count > kMaxDrivers) {
    p.warn("triage-count-capped", p.field_ref(TriageField::DriverCount, h.driver_count) +
                                      ": more drivers than any system loads; reading the first " +
                                      std::to_string(kMaxDrivers));
    count = kMaxDrivers;
  }
  unsigned complaints = 0, silenced = 0;
  std::vector<uint8_t> entry(stride);
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t at = h.driver_list_offset + i * stride;
    if (!p.read(at, entry, "driver entry " + std::to_string(i))) break;
    TriageDriver d = decode_driver(entry, p.is64);
    d.index = static_cast<uint32_t>(i);
    d.entry_offset = at;
    std::string why;
    if (auto name = read_dump_string(p, d.name_offset, why)) {
      d.name = std::move(*name);
    } else if (complaints < kMaxEntryWarnings) {
      ++complaints;
      p.warn("triage-driver-name", "driver " + std::to_string(i) + "'s DriverNameOffset (at " + hex(at) + ") = " +
                                       hex(d.name_offset) + ": the name " + why + "; the driver is listed unnamed");
    } else {
      ++silenced;
    }
    p.out.drivers.push_back(std::move(d));
  }
  if (silenced != 0) {
    p.warn("triage-driver-name", std::to_string(silenced) + " more drivers have unreadable names");
  }
}

void parse_unloaded_drivers(Parse& p) {
  const TriageHeader& h = p.out.header;
  const uint64_t off = h.unloaded_drivers_offset;
  if (off == 0) return;
  if (!p.check_in_file(TriageField::UnloadedDriversOffset, off, 4, "the unloaded-driver count")) return;
  uint8_t head[4];
  if (!p.read(off, head, "the unloaded-driver count")) return;
  // The count is a u32 in a pointer-sized slot (MmWriteUnloadedDriverInformation); the entries follow the slot.
  uint64_t count = le::u32(head, 0);
  const uint64_t first = off + p.pointer_size();
  const uint64_t esize = p.is64 ? kUnloadedDriverSize64 : kUnloadedDriverSize32;
  if (count > kMaxUnloadedDrivers) {
    p.warn("triage-count-capped", "the unloaded-driver count at " + hex(off) + " (UnloadedDriversOffset) is " +
                                      std::to_string(count) + " but Windows keeps at most " +
                                      std::to_string(kMaxUnloadedDrivers) + "; reading " +
                                      std::to_string(kMaxUnloadedDrivers));
    count = kMaxUnloadedDrivers;
  }
  const uint64_t fit = first <= p.file_size ? (p.file_size - first) / esize : 0;
  if (count > fit) {
    p.warn("triage-count-capped", "the unloaded-driver count at " + hex(off) + " (UnloadedDriversOffset) is " +
                                      std::to_string(count) + " but only " + std::to_string(fit) +
                                      " entries fit before the end of the file; reading " + std::to_string(fit));
    count = fit;
  }
  if (count == 0) return;
  std::vector<uint8_t> bytes(count * esize);
  if (!p.read(first, bytes, "the unloaded drivers")) return;
  for (uint64_t i = 0; i < count; ++i) {
    std::span<const uint8_t> e(bytes.data() + i * esize, esize);
    TriageUnloadedDriver u;
    u.entry_offset = first + i * esize;
    const size_t name_at = p.is64 ? u64e::kDriverName : u32e::kDriverName;
    // Name.Length is in bytes; the kernel cuts the copy to 24 bytes, so never read past the inline array.
    const size_t length = std::min<size_t>(le::u16(e, p.is64 ? u64e::kNameLength : u32e::kNameLength),
                                           kUnloadedNameBytes) & ~size_t{1};
    u.name = utf16le_to_utf8(e.subspan(name_at, length));
    u.start = p.is64 ? le::u64(e, u64e::kStart) : le::u32(e, u32e::kStart);
    u.end = p.is64 ? le::u64(e, u64e::kEnd) : le::u32(e, u32e::kEnd);
    p.out.unloaded_drivers.push_back(std::move(u));
  }
}

void parse_broken_driver(Parse& p) {
  const TriageHeader& h = p.out.header;
  const uint32_t off = h.broken_driver_offset;
  if (off == 0) return;  // what Windows writes
  if (!p.check_in_file(TriageField::BrokenDriverOffset, off, 4, "the broken driver's record")) return;
  TriageBrokenDriver broken;
  broken.offset = off;
  // "Offset into the driver [list] of the driver that crashed" (ntiodump.h): a DUMP_DRIVER_ENTRY of the list ...
  const uint64_t stride = driver_entry_size(p.is64);
  if (h.driver_list_offset != 0 && off >= h.driver_list_offset && (off - h.driver_list_offset) % stride == 0) {
    const uint64_t index = (off - h.driver_list_offset) / stride;
    if (index < p.out.drivers.size()) {
      broken.driver_index = static_cast<uint32_t>(index);
      broken.name = p.out.drivers[index].name;
      p.out.broken_driver = std::move(broken);
      return;
    }
  }
  // ... or, failing that, a DUMP_STRING naming it.
  std::string why;
  auto name = read_dump_string(p, off, why);
  const bool printable = name && !name->empty() && std::all_of(name->begin(), name->end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20;
  });
  if (!printable) {
    p.warn("triage-broken-driver", p.field_ref(TriageField::BrokenDriverOffset, off) +
                                       ": neither a driver-list entry nor a readable name is there; the broken "
                                       "driver is unknown");
    return;
  }
  broken.name = std::move(*name);
  p.out.broken_driver = std::move(broken);
}

}  // namespace kdmp::triage
