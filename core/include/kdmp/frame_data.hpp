// x86 frame data from a PDB: how each function's frame is laid out, so the unwinder can step over functions that
// keep no EBP frame (frame pointer omission). Two forms:
// - new FPO (the DBI optional debug header's stream 9): FrameData records of 32 bytes {RvaStart, CodeSize,
//   LocalSize, ParamsSize, MaxStackSize, FrameFunc, PrologSize u16, SavedRegsSize u16, Flags}, FrameFunc naming a
//   program string in the "/names" string table ("$T0 .raSearch = $eip $T0 ^ = $esp $T0 4 + ="); compilers emit
//   one record per prologue step, each covering the rest of the function;
// - old FPO (stream 0): FPO_DATA records of 16 bytes {ulOffStart, cbProcSize, cdwLocals, cdwParams u16, bits u16:
//   cbProlog 0-7, cbRegs 8-10, fHasSEH 11, fUseBP 12, cbFrame 14-15}.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "kdmp/result.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

class Pdb;

struct X86FrameData {
  uint32_t rva = 0, code_size = 0;
  uint32_t locals = 0, params = 0, saved_regs = 0, prolog = 0, max_stack = 0;  // bytes
  bool function_start = false;  // new FPO: the record that starts the function
  bool old_fpo = false;         // an FPO_DATA record: no program; uses_bp and frame_type say how to unwind
  bool uses_bp = false;
  uint8_t frame_type = 0;  // FPO_DATA cbFrame: 0 FPO, 1 trap, 2 TSS, 3 non-FPO
  uint32_t program = 0;    // index into X86FrameTable::programs() (new FPO)
};

class X86FrameTable {
 public:
  // The record that describes rva: the latest-starting one whose [rva, rva + code_size) holds it.
  const X86FrameData* find(uint32_t rva) const;
  const std::string& program(const X86FrameData& f) const { return programs_.at(f.program); }
  const std::vector<X86FrameData>& records() const { return records_; }
  const std::vector<std::string>& programs() const { return programs_; }
  size_t size() const { return records_.size(); }

  void add(X86FrameData record, std::string_view program = {});
  void finish();  // sorts by RVA; call once after the last add

 private:
  std::vector<X86FrameData> records_;
  std::vector<std::string> programs_;  // distinct program strings (kernel PDBs repeat a few hundred of them)
  std::map<std::string, uint32_t, std::less<>> program_index_;  // while adding: program -> index
};

// Record parsers, bounded by their inputs. new FPO: `records` is the stream (a multiple of 32 bytes; a tail is an
// error), `names` the "/names" stream (its 12-byte header, then the strings FrameFunc points into).
Status parse_new_fpo(std::span<const uint8_t> records, std::span<const uint8_t> names, X86FrameTable& out);
Status parse_old_fpo(std::span<const uint8_t> records, X86FrameTable& out);

// Both streams of an x86 PDB (either may be absent: an empty table). Warnings name a stream that was broken.
X86FrameTable read_x86_frame_table(Pdb& pdb, std::vector<Warning>* warnings = nullptr);

}  // namespace kdmp
