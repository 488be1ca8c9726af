// UnwindSource over loaded modules: each module's PE header is read where the module is mapped (the dump's virtual
// memory), or from an image file laid out by its section table (an image from the symbol path, for a triage dump
// that holds no code). Only the exception directory is read: the RUNTIME_FUNCTION table is binary-searched entry by
// entry, so nothing is copied whole.
//
// This is the unwinder's own minimal reader of the PE header (DataDirectory[3] and the section table). The symbols
// issue brings the full PE reader; this class then becomes a thin adapter over it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "kdmp/modules.hpp"
#include "kdmp/source.hpp"
#include "kdmp/unwind_source.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

// An image file (.sys, .exe, .dll) read at RVAs through its section table.
class PeFileImage {
 public:
  // Reads the headers and section table; fails on anything that is not a PE image.
  static Result<PeFileImage> open(std::shared_ptr<ByteSource> file);
  // Exactly out.size() bytes at rva (headers, or a section's raw data; bytes past SizeOfRawData read as 0).
  Status read(uint64_t rva, std::span<uint8_t> out) const;
  uint32_t time_date_stamp() const { return time_date_stamp_; }
  uint32_t size_of_image() const { return size_of_image_; }

 private:
  struct Section {
    uint32_t rva = 0, virtual_size = 0, raw_offset = 0, raw_size = 0;
  };
  std::shared_ptr<ByteSource> file_;
  std::vector<Section> sections_;
  uint32_t size_of_headers_ = 0;
  uint32_t time_date_stamp_ = 0;
  uint32_t size_of_image_ = 0;
};

class PeUnwindSource final : public UnwindSource {
 public:
  // modules sorted by base; vm may be null (then only image files give data).
  PeUnwindSource(VirtualMemory* vm, const std::vector<Module>& modules) : vm_(vm), modules_(modules) {}
  // Unwind data for the module loaded at base comes from this file instead of the dump.
  void add_image_file(uint64_t base, PeFileImage image);

  std::optional<RuntimeFunction> find_function(uint64_t pc) override;
  bool has_unwind_data(uint64_t pc) override;
  Status read_image(uint64_t image_base, uint64_t rva, std::span<uint8_t> out) override;

 private:
  struct Directory {
    bool valid = false;
    uint32_t machine = 0;
    uint32_t pdata_rva = 0;
    uint32_t count = 0;  // RUNTIME_FUNCTION entries
  };
  const Directory& directory(const Module& m);

  VirtualMemory* vm_;
  const std::vector<Module>& modules_;
  std::map<uint64_t, PeFileImage> files_;
  std::map<uint64_t, Directory> directories_;
};

}  // namespace kdmp
