// Where the fields of the kernel's process, thread and processor structures are, for one dump, and which source
// said so. Offsets differ by build and architecture; four sources know some of them:
//   pdb       the kernel's PDB type records (TPI: _EPROCESS, _KPROCESS, _ETHREAD, _KTHREAD, _KPRCB), once the
//             symbols reader has ntoskrnl's PDB (an OffsetSource with origin Pdb plugs in; none is built in yet)
//   kdbg      the KDBG's own offset fields (OffsetKThreadTeb, OffsetEprocessPeb, ...): the running kernel's word
//   table     the built-in table of public facts per build (offset_table.cpp, each row with its source)
//   discovery what the dump's memory shows (offset_discovery.hpp: the System process, the crashing thread)
// resolve_offsets asks the sources in that order; the first one that knows a field wins, and the result remembers
// whose answer it took, so every report can say where an offset came from.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kdmp {

enum class KernelField : uint8_t {
  // KPROCESS / EPROCESS
  ProcessDirectoryTableBase,      // KPROCESS.DirectoryTableBase
  ProcessUserDirectoryTableBase,  // KPROCESS.UserDirectoryTableBase (KVA shadowing, Windows 10 1803 and later)
  ProcessUniqueProcessId,
  ProcessActiveProcessLinks,
  ProcessCreateTime,
  ProcessExitTime,
  ProcessInheritedFromUniqueProcessId,
  ProcessPeb,
  ProcessSessionId,  // EPROCESS.Session -> MM_SESSION_SPACE; the SessionId is read at kSessionIdInSessionSpace
  ProcessWow64Process,
  ProcessImageFileName,  // UCHAR[15]
  ProcessImagePath,      // SeAuditProcessCreationInfo.ImageFileName -> OBJECT_NAME_INFORMATION (a UNICODE_STRING)
  ProcessThreadListHead,
  ProcessActiveThreads,
  // KTHREAD / ETHREAD
  ThreadState,
  ThreadTeb,
  ThreadApcProcess,  // KTHREAD.ApcState.Process
  ThreadCid,         // CLIENT_ID {UniqueProcess, UniqueThread}
  ThreadStartAddress,
  ThreadWin32StartAddress,
  ThreadListEntry,  // ETHREAD.ThreadListEntry, linked from EPROCESS.ThreadListHead
  // KPCR / KPRCB
  PcrIrql,
  PcrPrcb,  // where the KPRCB sits inside the KPCR
  PrcbCurrentThread,
  PrcbNumber,
  Count,
};
inline constexpr size_t kKernelFieldCount = static_cast<size_t>(KernelField::Count);

// "EPROCESS.UniqueProcessId", "KTHREAD.State", ...
const char* kernel_field_name(KernelField field);

enum class OffsetOrigin : uint8_t { None, Pdb, Kdbg, Table, Discovery };
const char* offset_origin_name(OffsetOrigin origin);  // "", "pdb", "kdbg", "table", "discovery"

class OffsetSource {
 public:
  virtual ~OffsetSource() = default;
  virtual OffsetOrigin origin() const = 0;
  virtual std::optional<uint32_t> offset(KernelField field) const = 0;
  // What the source is, for reports: "KDBG at 0x...", "table: Windows 10 2004-22H2 x64", "discovery".
  virtual std::string description() const = 0;
};

// A plain field -> offset map with one origin: what discovery fills, and what a PDB reader can fill.
class OffsetMap final : public OffsetSource {
 public:
  OffsetMap(OffsetOrigin origin, std::string description) : origin_(origin), description_(std::move(description)) {}
  void set(KernelField field, uint32_t offset) { values_[static_cast<size_t>(field)] = offset; }
  void erase(KernelField field) { values_[static_cast<size_t>(field)].reset(); }
  OffsetOrigin origin() const override { return origin_; }
  std::optional<uint32_t> offset(KernelField field) const override { return values_[static_cast<size_t>(field)]; }
  std::string description() const override { return description_; }

 private:
  OffsetOrigin origin_;
  std::string description_;
  std::array<std::optional<uint32_t>, kKernelFieldCount> values_{};
};

struct KernelOffsets {
  std::array<std::optional<uint32_t>, kKernelFieldCount> values{};
  std::array<OffsetOrigin, kKernelFieldCount> origins{};
  std::vector<std::string> sources;  // description of every source that answered at least one field

  std::optional<uint32_t> get(KernelField f) const { return values[static_cast<size_t>(f)]; }
  OffsetOrigin origin(KernelField f) const { return origins[static_cast<size_t>(f)]; }
  bool has(KernelField f) const { return get(f).has_value(); }
};

// The first source (in the order given) that knows a field wins. Null sources are skipped.
KernelOffsets resolve_offsets(std::span<const OffsetSource* const> sources);

// MM_SESSION_SPACE {ReferenceCount LONG, u ULONG (flags), SessionId ULONG}: the same on every build and
// architecture through Windows 11 23H2 (Vergilius _MM_SESSION_SPACE). 24H2 points at a PSP_SESSION_SPACE instead,
// whose layout is not in the table: the table leaves ProcessSessionId out for that build.
inline constexpr uint32_t kSessionIdInSessionSpace = 8;

}  // namespace kdmp
