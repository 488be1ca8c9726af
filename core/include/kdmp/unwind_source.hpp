// Where the unwinder finds unwind data: the RUNTIME_FUNCTION (.pdata entry) that covers a code address, and the
// bytes of the image it belongs to (UNWIND_INFO / .xdata records live in the image, not on the stack).
//
// Two providers implement it: images read through the dump's virtual memory (pe_unwind_source.hpp, for full and
// kernel dumps whose driver images are present) and images from files on the symbol path (a triage dump holds no
// code). The unwinder only sees this interface.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "kdmp/frame_data.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

struct UnwindEntry {
  uint64_t image_base = 0;
  uint32_t begin_rva = 0;
  // x64: EndAddress RVA. ARM64: computed from the packed record's or the .xdata header's function length.
  uint32_t end_rva = 0;
  // x64: the UNWIND_INFO's RVA. ARM64: the raw second word (packed unwind data when its low two bits are not 0,
  // else the .xdata record's RVA).
  uint32_t unwind_data = 0;
  uint32_t machine = 0;  // 0x8664 or 0xAA64
};

class UnwindSource {
 public:
  virtual ~UnwindSource() = default;
  // The entry whose [begin, end) holds pc, or nothing (a leaf function, an image without .pdata, an image that is
  // not in the dump or on the symbol path).
  virtual std::optional<UnwindEntry> find_function(uint64_t pc) = 0;
  // Whether the image holding pc has unwind data at all: then a pc without an entry is a leaf function (its return
  // address sits at the stack pointer); otherwise nothing is known about its frame.
  virtual bool has_unwind_data(uint64_t pc) = 0;
  // Exactly out.size() bytes of the image mapped at image_base, at image_base + rva.
  virtual Status read_image(uint64_t image_base, uint64_t rva, std::span<uint8_t> out) = 0;
  // x86: the PDB frame data record covering pc and its table (for the program string), or {nullptr, nullptr}.
  virtual std::pair<const X86FrameTable*, const X86FrameData*> find_x86_frame(uint64_t /*pc*/) {
    return {nullptr, nullptr};
  }
};

}  // namespace kdmp
