// Structure layouts from a PDB's type records (the TPI stream, stream 2), and the kernel's process, thread and
// processor fields read from them: the "pdb" OffsetSource (kernel_offsets.hpp) once ntoskrnl's PDB is loaded.
//
// The TPI stream is a header (its size at +4, the first and one-past-last type index at +8/+12, the records' byte
// count at +16) and then one record per type index from TypeIndexBegin (0x1000): u16 length (not counting itself),
// u16 kind. What is read:
//   LF_STRUCTURE / LF_CLASS (0x1505 / 0x1504) and LF_UNION (0x1506): property (bit 7: a forward reference, whose
//     definition is the record of the same name without it), field list, size as a numeric leaf, name;
//   LF_FIELDLIST (0x1203): LF_MEMBER (attributes, type, offset as a numeric leaf, name), and, to step over them,
//     the other members a field list holds (base classes, nested types, methods, enumerators, static members, the
//     vtable pointer); LF_INDEX continues the list in another record;
//   LF_MODIFIER (0x1001) and LF_POINTER (0x1002), to see through `volatile` and to name a pointer's referent.
// Records are read through the PDB's block cache one window at a time; counts, lengths and continuation chains are
// bounded, and a record that does not parse ends that structure's reading with a warning, never a crash.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kdmp/kernel_offsets.hpp"
#include "kdmp/pdb.hpp"
#include "kdmp/result.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct PdbMember {
  std::string name;
  uint32_t type = 0;    // type index
  uint64_t offset = 0;  // from the structure's start
};

class PdbTypes {
 public:
  // Indexes the TPI stream: where each record is, and the definitions of the structures named in `wanted` (empty:
  // none; members() then only finds those).
  static Result<PdbTypes> read(Pdb& pdb, const std::vector<std::string>& wanted);

  uint32_t type_index_begin() const { return begin_; }
  uint32_t type_index_end() const { return begin_ + static_cast<uint32_t>(records_.size()); }
  // The definition's type index of a wanted structure, class or union.
  std::optional<uint32_t> definition(std::string_view name) const;
  // The members of a structure defined at `type` (field lists and their LF_INDEX continuations).
  Result<std::vector<PdbMember>> members(uint32_t type);
  // The name of the structure, class or union a type index stands for (through modifiers and, when
  // `through_pointer`, pointers); empty when it is none.
  std::string aggregate_name(uint32_t type, bool through_pointer = false);
  // The offset of a dotted member path ("Tcb.ApcState.Process") in a wanted structure, each step's structure found
  // by its member's type name.
  std::optional<uint64_t> offset_of(std::string_view structure, std::string_view path);

  const std::vector<Warning>& warnings() const { return warnings_; }

 private:
  PdbTypes(Pdb& pdb) : pdb_(&pdb) {}
  Result<std::vector<uint8_t>> record(uint32_t type);  // the record's bytes, its length and kind included

  Pdb* pdb_;
  uint32_t begin_ = 0;
  std::vector<uint32_t> records_;  // stream offset of each record, by type index - begin_
  std::unordered_map<std::string, uint32_t> definitions_;
  std::unordered_map<uint32_t, std::vector<PdbMember>> members_cache_;
  std::vector<Warning> warnings_;
};

// The fields of _EPROCESS, _KPROCESS, _ETHREAD, _KTHREAD, _KPRCB and _KPCR the process walk uses, read from the
// kernel's PDB (origin Pdb, described as "pdb: <the PDB's name>"). A field the PDB does not have is left out.
// EPROCESS.Session is only reported when it points at an _MM_SESSION_SPACE (the SessionId lives at +8 there).
Result<OffsetMap> kernel_offsets_from_pdb(Pdb& pdb, const std::string& pdb_name, std::vector<Warning>* warnings);

}  // namespace kdmp
